import "server-only";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { buildFiles, type BrowserRuntimeSizes } from "./builds";
import type { BrowserLane } from "./protocol";

const ORT_DIR = path.join(process.cwd(), "public", "ort");

function laneSize(lane: BrowserLane): BrowserRuntimeSizes["lanes"][BrowserLane] {
  try {
    const files = buildFiles(lane).map((name) => ({ name, bytes: statSync(path.join(ORT_DIR, name)).size }));
    return { bytes: files.reduce((sum, f) => sum + f.bytes, 0), files };
  } catch {
    // Not copied yet (ensureBrowserAssets has not run): the page says it does not know, rather than guessing.
    return null;
  }
}

/**
 * Sizes of the runtime files as they are on disk, read per request (a stat
 * each), so a new onnxruntime-web copied by ensureBrowserAssets is reported
 * without a rebuild.
 */
export function browserRuntimeSizes(): BrowserRuntimeSizes {
  let version: string | null = null;
  try {
    version = readFileSync(path.join(ORT_DIR, ".version"), "utf8").split("\n")[0] || null;
  } catch {
    version = null;
  }
  return { onnxruntimeWeb: version, lanes: { wasm: laneSize("wasm"), webgpu: laneSize("webgpu") } };
}
