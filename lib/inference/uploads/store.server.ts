import "server-only";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { serverEnv } from "@/lib/env.server";
import { repoRoot } from "@/lib/models/files.server";
import type { InferenceModel } from "../model";
import type { UploadedModelSpec } from "./spec";

/**
 * The folder of accepted uploads as the catalogue reads it: `<sha256>.onnx`
 * beside `<sha256>.json` (what the engine needs, and who added it). No
 * database here on purpose: the production server's fast path (v2, /api/infer)
 * must serve uploaded models too, and it may not import the database
 * (docs/decisions/0009). The database row (model-uploads.server.ts) is the
 * record of ownership; this folder is what every server copy can see.
 */

export interface StoredModelManifest {
  id: string;
  name: string;
  sha256: string;
  sizeBytes: number;
  description: string | null;
  addedBy: { id: string; name: string };
  addedAt: string;
  spec: UploadedModelSpec;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function modelsDir(): string {
  return path.resolve(repoRoot(), serverEnv().MODELS_DIR);
}

export function ensureModelsDir(): string {
  const dir = modelsDir();
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function storedModelFile(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return path.join(modelsDir(), `${sha256}.onnx`);
}

function manifestFile(sha256: string): string {
  return storedModelFile(sha256).replace(/\.onnx$/, ".json");
}

/** Moves a checked temporary file into place and writes its manifest last: the catalogue sees a model only when both exist. */
export function storeAcceptedModel(temporaryFile: string, manifest: StoredModelManifest): void {
  renameSync(temporaryFile, storedModelFile(manifest.sha256));
  const manifestTemp = `${manifestFile(manifest.sha256)}.${process.pid}.tmp`;
  writeFileSync(manifestTemp, JSON.stringify(manifest, null, 2));
  renameSync(manifestTemp, manifestFile(manifest.sha256));
}

/** Manifest first, so the catalogue drops the model before its file goes. */
export function removeStoredModel(sha256: string): void {
  rmSync(manifestFile(sha256), { force: true });
  rmSync(storedModelFile(sha256), { force: true });
}

function toInferenceModel(manifest: StoredModelManifest, dir: string): InferenceModel {
  const { spec } = manifest;
  return {
    id: manifest.name,
    title: manifest.name,
    file: path.join(dir, `${manifest.sha256}.onnx`),
    inputs: spec.inputs,
    outputs: spec.outputs,
    batchAxis: spec.batchAxis,
    maxBatch: spec.maxBatch,
    parameters: spec.parameters,
    weightBytes: spec.weightBytes,
    ...(Object.keys(spec.axisDefaults).length > 0 ? { axisDefaults: spec.axisDefaults } : {}),
    catalog: {
      task: manifest.description ?? "a model an instructor uploaded",
      variant: "uploaded",
      baseId: manifest.name,
      license: "supplied by the instructor who uploaded it",
      source: `uploaded by ${manifest.addedBy.name} on ${manifest.addedAt.slice(0, 10)} (sha256 ${manifest.sha256})`,
      evaluation: null,
      addedBy: { name: manifest.addedBy.name, at: manifest.addedAt },
      sha256: manifest.sha256,
      sizeBytes: manifest.sizeBytes,
    },
  };
}

let cache: { dir: string; stamp: string; models: InferenceModel[] } | undefined;

/**
 * Every accepted upload, re-read only when the folder changed (a rename in or
 * out changes its mtime): cheap enough for every catalogue lookup, and another
 * server copy's upload or deletion shows up at once.
 */
export function uploadedModels(): InferenceModel[] {
  const dir = modelsDir();
  if (!existsSync(dir)) return [];
  const stamp = String(statSync(dir).mtimeMs);
  if (cache?.dir === dir && cache.stamp === stamp) return cache.models;
  const models: InferenceModel[] = [];
  for (const entry of readdirSync(dir)) {
    if (!/^[0-9a-f]{64}\.json$/.test(entry)) continue;
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, entry), "utf8")) as StoredModelManifest;
      if (existsSync(path.join(dir, `${manifest.sha256}.onnx`))) models.push(toInferenceModel(manifest, dir));
    } catch (error) {
      console.error(`[models] skipping unreadable manifest ${entry}:`, error instanceof Error ? error.message : error);
    }
  }
  models.sort((a, b) => a.id.localeCompare(b.id));
  cache = { dir, stamp, models };
  return models;
}
