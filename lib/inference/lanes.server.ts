import "server-only";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { z } from "zod";
import { serverEnv } from "@/lib/env.server";
import { HttpError } from "@/lib/http/errors";
import { isServerLaneId, SERVER_LANE_IDS, type ServerLaneId } from "@/lib/lanes";
import { type CudaVisibility, hidesEveryGpu, parseCudaVisibleDevices } from "./cuda-visible-devices";
import { PROBE_INPUT, probeExpected, probeModelBytes } from "./probe-model.server";
import type { WireLaneInfo } from "./wire";

// Offline machines: onnxruntime-node otherwise phones home and writes ~/.cache.
process.env.ORT_DISABLE_TELEMETRY ??= "1";

/** Every lane the server knows (named in lib/lanes.ts); which of them work is decided by probing, never assumed. */
export const LANE_IDS = SERVER_LANE_IDS;
export type LaneId = ServerLaneId;

export const isLaneId: (value: string) => value is LaneId = isServerLaneId;

/** A lane as GET /api/capabilities reports it (declared browser-safe in ./wire). */
export type LaneInfo = WireLaneInfo;

/** The Chromium package's SwiftShader Vulkan driver: the software GPU used when no hardware adapter exists. */
export const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";
const SYSTEM_ICD_DIRS = ["/etc/vulkan/icd.d", "/usr/local/share/vulkan/icd.d", "/usr/share/vulkan/icd.d"];

export function cpuCores(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

/** The runtime's own message, minus its source-file prefix ("/onnxruntime_src/…cc:136 … was false."). */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.trim().split("\n").map((l) => l.trim()).filter(Boolean).slice(-1)[0] ?? text;
  return line.replace(/^\/onnxruntime_src\/\S+ .*? was false\.\s*/, "");
}

function detectCpu(): LaneInfo {
  const cores = cpuCores();
  return {
    id: "cpu",
    title: "CPU (onnxruntime-node, CPU execution provider)",
    available: true,
    reason: null,
    device: `${os.cpus()[0]?.model?.trim() ?? "unknown CPU"} (${cores} logical cores)`,
    software: false,
    threads: { min: 1, max: cores, default: cores },
    notes: [],
  };
}

/** `nvidia-smi --query-gpu=name,memory.total,driver_version` output for the first GPU → "NVIDIA H100 (81559 MiB, driver 550.54)". */
export function parseNvidiaSmi(output: string): string | null {
  const [name, memory, driver] = (output.split("\n")[0] ?? "").split(",").map((field) => field.trim());
  if (!name) return null;
  const details = [memory, driver ? `driver ${driver}` : ""].filter(Boolean).join(", ");
  return details ? `${name} (${details})` : name;
}

/**
 * The GPU the CUDA lane runs on, as the driver names it; onnxruntime-node does not report it.
 * The lane uses CUDA device 0, the first GPU CUDA_VISIBLE_DEVICES exposes; nvidia-smi ignores
 * that variable and numbers GPUs physically, so it is asked for that GPU by its physical id.
 */
function cudaDeviceName(visibility: CudaVisibility): string {
  const first = visibility.unfiltered ? "0" : (visibility.exposed[0]?.entry ?? "0");
  try {
    const output = execFileSync("nvidia-smi", ["--query-gpu=name,memory.total,driver_version", "--format=csv,noheader", "-i", first], { encoding: "utf8", timeout: 3000 });
    return parseNvidiaSmi(output) ?? "CUDA device 0";
  } catch {
    return "CUDA device 0 (nvidia-smi unavailable, so its name is unknown)";
  }
}

async function detectCuda(): Promise<LaneInfo> {
  const base = { id: "cuda" as const, title: "NVIDIA GPU (onnxruntime-node, CUDA execution provider)", threads: null, notes: [] as string[] };
  // Not only "": CUDA stops at the first invalid entry, so "-1" or "all" hide every GPU too (see ./cuda-visible-devices.ts).
  const visibility = parseCudaVisibleDevices(process.env.CUDA_VISIBLE_DEVICES);
  const hidden = hidesEveryGpu(visibility);
  if (visibility.value !== null) base.notes.push(`CUDA_VISIBLE_DEVICES=${JSON.stringify(visibility.value)}: ${visibility.summary}`);
  try {
    // logSeverityLevel 3: the failure is reported through `reason`, not as an error line in the server log.
    const session = await InferenceSession.create(probeModelBytes(), { executionProviders: ["cuda"], logSeverityLevel: 3 });
    const result = await session.run({ x: new Tensor("float32", PROBE_INPUT.slice(), [1, 4]) });
    const got = Array.from(result.y!.data as Float32Array);
    await session.release();
    const expected = probeExpected();
    if (got.some((v, i) => Math.abs(v - expected[i]!) > 1e-4)) {
      return { ...base, available: false, reason: `CUDA probe ran but returned wrong values (${got.join(", ")})`, device: null, software: false };
    }
    return { ...base, available: true, reason: null, device: process.env.CUDA_DEVICE_NAME ?? cudaDeviceName(visibility), software: false };
  } catch (error) {
    let reason = `onnxruntime-node could not start the CUDA execution provider: ${firstLine(error)}`;
    if (/Failed to load shared library|cannot open shared object/i.test(String(error))) {
      reason += " (the CUDA provider libraries are not installed: onnxruntime-node was installed with onnxruntime-node-install=skip; see docs/decisions/0003-inference-lanes.md)";
    } else if (hidden) {
      reason += ` (CUDA_VISIBLE_DEVICES=${JSON.stringify(visibility.value)} hides every GPU: ${visibility.summary})`;
    }
    return { ...base, available: false, reason, device: null, software: null };
  }
}

interface IcdManifest {
  file: string;
  library: string;
  vendor: string;
  software: boolean | null;
}

export function classifyIcd(file: string): IcdManifest {
  let library = "";
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { ICD?: { library_path?: string } };
    library = parsed.ICD?.library_path ?? "";
  } catch {
    library = "";
  }
  const key = `${path.basename(file)} ${library}`.toLowerCase();
  const known: Array<[RegExp, string, boolean]> = [
    [/swiftshader/, "SwiftShader (CPU software Vulkan)", true],
    [/lvp|lavapipe/, "Mesa lavapipe (CPU software Vulkan)", true],
    [/llvmpipe/, "Mesa llvmpipe (CPU software)", true],
    [/nvidia/, "NVIDIA", false],
    [/radeon|amdvlk|amdgpu/, "AMD", false],
    [/intel/, "Intel", false],
  ];
  for (const [pattern, vendor, software] of known) if (pattern.test(key)) return { file, library, vendor, software };
  return { file, library, vendor: "unknown Vulkan driver", software: null };
}

function icdFilesFromEnv(env: NodeJS.ProcessEnv): string[] | null {
  const value = env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES;
  return value ? value.split(":").filter(Boolean) : null;
}

function systemIcdFiles(): string[] {
  return SYSTEM_ICD_DIRS.flatMap((dir) => {
    try {
      return readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  });
}

const CHILD_PROBE = `
const ort = require("onnxruntime-node");
let input = "";
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", async () => {
  try {
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(Buffer.from(input, "base64"), { executionProviders: ["webgpu"], logSeverityLevel: 3 });
    const t1 = performance.now();
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from([1, 2, 3, 4]), [1, 4]) });
    process.stdout.write(JSON.stringify({ ok: true, output: Array.from(out.y.data), createMs: t1 - t0 }) + "\\n");
    process.exit(0);
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: false, error: String(error && error.message || error) }) + "\\n");
    process.exit(0);
  }
});`;

interface ChildProbe {
  ok: boolean;
  output?: number[];
  error?: string;
}

/**
 * Runs the WebGPU probe in a child process: a Vulkan driver that crashes or
 * hangs takes the child down, not the server, and a failed Dawn start leaves
 * no half-initialised state in this process.
 */
function probeWebgpuInChild(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ChildProbe> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-e", CHILD_PROBE], { env, stdio: ["pipe", "pipe", "pipe"], cwd: process.cwd() });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ ok: false, error: `WebGPU probe did not finish within ${timeoutMs / 1000} s` });
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `could not start the probe process: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split("\n").pop();
      try {
        if (line) return resolve(JSON.parse(line) as ChildProbe);
      } catch {
        // fall through to the exit status
      }
      resolve({ ok: false, error: `WebGPU probe process exited (${signal ?? code}) without a result: ${stderr.trim().split("\n").slice(-3).join(" ")}` });
    });
    child.stdin.end(Buffer.from(probeModelBytes()).toString("base64"));
  });
}

function matchesReference(output: number[] | undefined): boolean {
  const expected = probeExpected();
  return Array.isArray(output) && output.length === expected.length && output.every((v, i) => Math.abs(v - expected[i]!) <= 1e-4);
}

async function detectWebgpu(): Promise<LaneInfo> {
  const base = {
    id: "webgpu" as const,
    title: "WebGPU (onnxruntime-node's bundled WebGPU execution provider: Dawn over Vulkan)",
    threads: null,
    notes: [] as string[],
  };
  const configured = icdFilesFromEnv(process.env);
  const attempts: Array<{ env: NodeJS.ProcessEnv; icds: string[]; label: string; adopt?: string }> = [];
  if (configured) {
    attempts.push({ env: process.env, icds: configured, label: `VK_ICD_FILENAMES=${configured.join(":")}` });
  } else {
    attempts.push({ env: process.env, icds: systemIcdFiles(), label: "the system's Vulkan drivers" });
    if (existsSync(SWIFTSHADER_ICD)) {
      attempts.push({ env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD }, icds: [SWIFTSHADER_ICD], label: `SwiftShader (${SWIFTSHADER_ICD})`, adopt: SWIFTSHADER_ICD });
    }
  }
  const failures: string[] = [];
  for (const attempt of attempts) {
    const result = await probeWebgpuInChild(attempt.env);
    if (result.ok && matchesReference(result.output)) {
      if (attempt.adopt) {
        // Set before this process creates its first WebGPU session: Dawn reads it when it starts.
        process.env.VK_ICD_FILENAMES = attempt.adopt;
        base.notes.push(`no hardware Vulkan adapter worked (${failures.join("; ")}), so this lane uses ${attempt.label}`);
      }
      const manifests = attempt.icds.map(classifyIcd);
      const softwareFlags = new Set(manifests.map((m) => m.software));
      const software = softwareFlags.size === 1 ? [...softwareFlags][0]! : null;
      const vendors = [...new Set(manifests.map((m) => m.vendor))].join(" or ");
      base.notes.push("onnxruntime-node does not expose the WebGPU adapter's identity; the device is inferred from the Vulkan driver manifest(s)");
      if (software) base.notes.push("software GPU: kernels run on the CPU through a Vulkan emulator, so its timings are not GPU speed");
      return {
        ...base,
        available: true,
        reason: null,
        device: `${software ? "software GPU: " : ""}${vendors || "Vulkan adapter"} via Dawn/Vulkan`,
        software,
      };
    }
    failures.push(`${attempt.label}: ${result.ok ? `wrong output ${JSON.stringify(result.output)}` : firstLine(result.error ?? "unknown error")}`);
  }
  return {
    ...base,
    available: false,
    reason: attempts.length ? `onnxruntime-node's WebGPU execution provider found no usable adapter: ${failures.join("; ")}` : "no Vulkan driver is installed",
    device: null,
    software: null,
  };
}

const remoteUrlSchema = z.url({ protocol: /^https?$/ });

/**
 * REMOTE_INFERENCE_URL as serverEnv() validated it. The server refuses to start
 * with an invalid environment, but a test or an operator may change it under a
 * running process: then the raw text, so the lane can say what is wrong with it.
 */
function remoteSetting(): string | undefined {
  try {
    return serverEnv().REMOTE_INFERENCE_URL;
  } catch {
    return process.env.REMOTE_INFERENCE_URL?.trim() || undefined;
  }
}

export function remoteUrl(): string | null {
  const raw = remoteSetting()?.trim();
  if (!raw) return null;
  const parsed = remoteUrlSchema.safeParse(raw);
  return parsed.success ? raw.replace(/\/+$/, "") : null;
}

async function detectRemote(): Promise<LaneInfo> {
  const base = { id: "remote" as const, title: "Remote Open Inference Protocol server (KServe v2 REST)", threads: null, software: null, notes: [] as string[] };
  const raw = remoteSetting()?.trim();
  if (!raw) return { ...base, available: false, reason: "REMOTE_INFERENCE_URL is not set (point it at any KServe v2 / Open Inference Protocol server)", device: null };
  const url = remoteUrl();
  if (!url) return { ...base, available: false, reason: `REMOTE_INFERENCE_URL is not an http(s) URL: ${raw}`, device: null };
  try {
    const ready = await fetch(`${url}/v2/health/ready`, { signal: AbortSignal.timeout(3000) });
    if (ready.status !== 200) return { ...base, available: false, reason: `${url}/v2/health/ready answered ${ready.status}`, device: url };
    let name = "v2 server";
    try {
      const meta = (await (await fetch(`${url}/v2`, { signal: AbortSignal.timeout(3000) })).json()) as { name?: string; version?: string };
      name = `${meta.name ?? "v2 server"} ${meta.version ?? ""}`.trim();
    } catch {
      base.notes.push("GET /v2 gave no server metadata");
    }
    base.notes.push("the remote server's hardware is not known here; its timings include the network");
    return { ...base, available: true, reason: null, device: `${name} at ${url}` };
  } catch (error) {
    return { ...base, available: false, reason: `cannot reach ${url}: ${firstLine(error)}`, device: url };
  }
}

const REMOTE_TTL_MS = 10_000;
const globalForLanes = globalThis as unknown as {
  inferenceLabLocalLanes?: Promise<LaneInfo[]>;
  inferenceLabRemoteLane?: { at: number; url: string | undefined; lane: Promise<LaneInfo> };
};

/**
 * All lanes with their state. Local lanes are probed once per process (the
 * hardware does not change under a running server); the remote lane is
 * re-checked after a short TTL because that server comes and goes.
 */
export async function detectLanes(options: { refresh?: boolean } = {}): Promise<LaneInfo[]> {
  const [local, remote] = await Promise.all([localLanes(options.refresh), remoteLane(options.refresh)]);
  return [...local, remote];
}

/** How each lane in this process is probed; a Record, so a new lane id in lib/lanes.ts makes the compiler ask for its probe. */
const LOCAL_PROBES: Record<Exclude<LaneId, "remote">, () => LaneInfo | Promise<LaneInfo>> = { cpu: detectCpu, cuda: detectCuda, webgpu: detectWebgpu };

function localLanes(refresh = false): Promise<LaneInfo[]> {
  if (refresh || !globalForLanes.inferenceLabLocalLanes) {
    // One at a time, as before: each probe loads an execution provider into this process.
    globalForLanes.inferenceLabLocalLanes = (async () => {
      const lanes: LaneInfo[] = [];
      for (const id of LANE_IDS) if (id !== "remote") lanes.push(await LOCAL_PROBES[id]());
      return lanes;
    })();
  }
  return globalForLanes.inferenceLabLocalLanes;
}

function remoteLane(refresh = false): Promise<LaneInfo> {
  const remoteEnv = remoteSetting();
  const cached = globalForLanes.inferenceLabRemoteLane;
  if (refresh || !cached || cached.url !== remoteEnv || performance.now() - cached.at > REMOTE_TTL_MS) {
    globalForLanes.inferenceLabRemoteLane = { at: performance.now(), url: remoteEnv, lane: detectRemote() };
  }
  return globalForLanes.inferenceLabRemoteLane!.lane;
}

/**
 * One lane's state. Asking for a local lane never waits on the remote probe:
 * a server that is its own remote answers its readiness check without a cycle.
 */
export async function getLane(id: LaneId): Promise<LaneInfo> {
  if (id === "remote") return remoteLane();
  return (await localLanes()).find((lane) => lane.id === id)!;
}

/** The lane, or a 4xx naming why it cannot be used. Never substitutes another lane. */
export async function requireLane(id: string): Promise<LaneInfo> {
  if (!isLaneId(id)) throw new HttpError(404, `unknown lane "${id}"; lanes are ${LANE_IDS.join(", ")}`);
  const lane = await getLane(id);
  if (!lane.available) throw new HttpError(422, `lane ${id} is unavailable on this server: ${lane.reason}`);
  return lane;
}

export interface LaneSummary {
  id: LaneId;
  available: boolean;
  software: boolean | null;
  device: string | null;
  reason: string | null;
}

/**
 * For /api/health: the cached detection in a small shape. The first call
 * probes (about a second, for WebGPU in a child process); later calls reuse it.
 */
export async function laneSummary(): Promise<LaneSummary[]> {
  return (await detectLanes()).map(({ id, available, software, device, reason }) => ({ id, available, software, device, reason }));
}
