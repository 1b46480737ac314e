// Shared by the project's Node scripts (start, test, db). Node built-ins only:
// these run before `npm install` has happened on a fresh clone.
import { spawnSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Offline by default: no telemetry, no engine or CUDA downloads. */
export const offlineEnv = {
  NEXT_TELEMETRY_DISABLED: "1",
  CHECKPOINT_DISABLE: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  ORT_DISABLE_TELEMETRY: "1",
  ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? "skip",
  npm_config_update_notifier: "false",
};
Object.assign(process.env, offlineEnv);

export function log(message) {
  process.stdout.write(`\x1b[36m[inference-lab]\x1b[0m ${message}\n`);
}

/** Runs a command in the project root, inheriting stdio; exits on failure. */
export function run(command, args, options = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...(options.env ?? {}) },
  });
  if (result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status ?? result.signal}`;
    if (options.allowFailure) return false;
    console.error(`\n✖ ${command} ${args.join(" ")} failed (${why})`);
    process.exit(result.status || 1);
  }
  if (options.timed) log(`${options.timed} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

export function bin(name) {
  return path.join(root, "node_modules", ".bin", name);
}

/** Hash of files and folders (recursively, skipping generated output) for "did anything change?" stamps. */
export function hashPaths(paths) {
  const hash = createHash("sha256");
  const skip = new Set(["node_modules", ".next", "dist", "generated", "data", "test-results", ".git"]);
  const visit = (absolute) => {
    if (!existsSync(absolute)) return;
    const stats = statSync(absolute);
    if (stats.isDirectory()) {
      for (const entry of readdirSync(absolute).sort()) {
        if (!skip.has(entry)) visit(path.join(absolute, entry));
      }
    } else {
      hash.update(path.relative(root, absolute));
      hash.update(readFileSync(absolute));
    }
  };
  for (const p of paths) visit(path.join(root, p));
  return hash.digest("hex");
}

export function stampMatches(stampFile, value) {
  const file = path.join(root, stampFile);
  return existsSync(file) && readFileSync(file, "utf8") === value;
}

export function writeStamp(stampFile, value) {
  const file = path.join(root, stampFile);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, value);
}

/** `npm install` only when package.json or the lockfile changed since the last install. */
export function ensureInstalled() {
  const wanted = hashPaths(["package.json", "package-lock.json", ".npmrc"]);
  if (existsSync(path.join(root, "node_modules", ".package-lock.json")) && stampMatches("node_modules/.inference-lab-installed", wanted)) {
    return;
  }
  log("installing npm packages (onnxruntime-node's CUDA download skipped; see README)");
  // `npm ci` rejects lockfiles made on Linux (the registry omits other platforms' optional builds).
  run("npm", ["install", "--no-audit", "--no-fund"], { timed: "npm install" });
  writeStamp("node_modules/.inference-lab-installed", hashPaths(["package.json", "package-lock.json", ".npmrc"]));
}

/** Prisma clients are generated from the schema; regenerate only when it changed. */
export function ensureGenerated() {
  const wanted = hashPaths(["prisma", "prisma.config.ts", "scripts/db.mjs", "package-lock.json"]);
  if (stampMatches("generated/.stamp", wanted)) return;
  run(process.execPath, [path.join(root, "scripts", "db.mjs"), "generate"]);
  writeStamp("generated/.stamp", wanted);
}

/**
 * Trained, converted and quantized models (generated/models). The builder keeps
 * its own stamp and returns in about a second when nothing changed.
 */
export function ensureModels() {
  run(bin("tsx"), [path.join(root, "scripts", "models", "build.ts")], { timed: "models" });
}

/**
 * onnxruntime-web's runtime files, served same-origin from /ort/ so lesson pages
 * can be cross-origin isolated (WASM threads) and nothing loads from a CDN. Only
 * the two builds the browser runner imports, and the .wasm/.mjs pairs they load:
 * ort.wasm (plain SIMD/threaded WASM) and ort.webgpu (native WebGPU EP, asyncify build).
 */
export const ORT_BROWSER_FILES = [
  "ort.wasm.min.mjs",
  "ort.webgpu.min.mjs",
  "ort-wasm-simd-threaded.mjs",
  "ort-wasm-simd-threaded.wasm",
  "ort-wasm-simd-threaded.asyncify.mjs",
  "ort-wasm-simd-threaded.asyncify.wasm",
];

export function ensureBrowserAssets() {
  const source = path.join(root, "node_modules", "onnxruntime-web", "dist");
  const target = path.join(root, "public", "ort");
  const version = JSON.parse(readFileSync(path.join(root, "node_modules", "onnxruntime-web", "package.json"), "utf8")).version;
  const wanted = `${version}\n${ORT_BROWSER_FILES.join("\n")}`;
  const stamp = path.join(target, ".version");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === wanted && ORT_BROWSER_FILES.every((f) => existsSync(path.join(target, f)))) return;
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const file of ORT_BROWSER_FILES) copyFileSync(path.join(source, file), path.join(target, file));
  writeFileSync(stamp, wanted);
  log(`copied onnxruntime-web ${version} runtime files to public/ort`);
}

/** Sources that end up in the production build; a change in any of them means rebuild. */
export const buildInputs = [
  "app", "lib", "content", "public", "prisma", "scripts", "next.config.ts", "tsconfig.json", "package-lock.json",
  "postcss.config.mjs",
];

/** Sources of the production server's own bundle (dist/server.cjs). */
export const serverBuildInputs = ["server", "lib", "scripts/build-server.mjs", "tsconfig.json", "package-lock.json"];

/** The production server `npm start` runs: Next's handler behind a node:http fast path for inference (server/main.ts). */
export const serverEntry = path.join(root, "dist", "server.cjs");

/** The Next build (.next) and the server bundle (dist/server.cjs), each rebuilt only when its sources changed. */
export function ensureBuilt() {
  const wanted = hashPaths(buildInputs);
  if (existsSync(path.join(root, ".next", "BUILD_ID")) && stampMatches(".next/.inference-lab-built", wanted)) {
    log("build is up to date");
  } else {
    log("building the site");
    run(bin("next"), ["build"], { timed: "next build" });
    writeStamp(".next/.inference-lab-built", wanted);
  }
  ensureServerBuilt();
}

export function ensureServerBuilt() {
  const wanted = hashPaths(serverBuildInputs);
  if (existsSync(serverEntry) && stampMatches("dist/.inference-lab-server-built", wanted)) return;
  run(process.execPath, [path.join(root, "scripts", "build-server.mjs")], { timed: "server bundle" });
  writeStamp("dist/.inference-lab-server-built", wanted);
}

export function spawnInherit(command, args, env = {}) {
  const child = spawn(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return child;
}
