/**
 * `npm run models:build`: writes every generated, trained and quantized model to
 * generated/models/ and a manifest.json stamp. A no-op (about a second) when the
 * stamp matches the sources, so start and test scripts can run it every time.
 * `--force` rebuilds anyway.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildInputsHash, generatedDir, generatedModelsStaleReason, MANIFEST_NAME, type BuildManifest } from "@/lib/models/files.server";
import { mlpToOnnx, randomLayers } from "@/lib/models/mlp";
import { MLP_STACKS } from "@/lib/models/registry";

process.env.ORT_DISABLE_TELEMETRY = "1";

const started = performance.now();
const force = process.argv.includes("--force");
const files: BuildManifest["files"] = {};

function log(message: string) {
  process.stdout.write(`[models:build] ${message}\n`);
}

function write(id: string, bytes: Uint8Array) {
  const file = path.join(generatedDir(), `${id}.onnx`);
  writeFileSync(file, bytes);
  files[id] = { bytes: bytes.byteLength };
  log(`${id}.onnx ${(bytes.byteLength / 1024 / 1024).toFixed(2)} MiB (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

async function main() {
  const stale = generatedModelsStaleReason();
  if (!stale && !force) {
    log("generated/models is up to date");
    return;
  }
  log(force ? "rebuilding (--force)" : `building: ${stale}`);
  mkdirSync(generatedDir(), { recursive: true });

  for (const [id, { widths, seed }] of Object.entries(MLP_STACKS)) {
    write(id, mlpToOnnx({ name: id, layers: randomLayers(widths, seed), docString: `Generated MatMul stack ${widths.join("→")}, seed ${seed}` }));
  }

  const seconds = (performance.now() - started) / 1000;
  const manifest: BuildManifest = { inputsHash: buildInputsHash(), builtAt: new Date().toISOString(), seconds, files };
  writeFileSync(path.join(generatedDir(), MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`done in ${seconds.toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
