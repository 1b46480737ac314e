import "server-only";
import { execFile, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { jsonError, jsonOk } from "@/lib/http/errors";
import { handleErrors } from "@/lib/http/request.server";
import { SERVER_LANE_IDS, type ServerLaneId } from "@/lib/lanes";
import { CUDA_VISIBLE_DEVICES_PROBES, parseCudaVisibleDevices } from "./cuda-visible-devices";
import { cpuCores, detectLanes, SWIFTSHADER_ICD } from "./lanes.server";
import { v2Lane } from "./oip-api.server";
import { probeModelBytes } from "./probe-model.server";
import { executionProviderOf } from "./sessions.server";
import type { WireCudaProbe, WireCudaProbeRow, WireDevices, WireLaneSelection } from "./wire";

/** onnxruntime's own names for the providers the lanes use (what its logs and docs say). */
const PROVIDER_NAMES: Record<string, string> = { cpu: "CPUExecutionProvider", cuda: "CUDAExecutionProvider", webgpu: "WebGpuExecutionProvider" };

const env = (name: string): string | null => process.env[name] ?? null;

/** How each lane picks its device; a Record, so a new lane makes the compiler ask for its entry. */
const SELECTION: Record<ServerLaneId, () => Pick<WireLaneSelection, "selection" | "variables">> = {
  cpu: () => ({
    selection: `this machine's CPU, always; a request's "threads" sets the intra-op threads (1 to ${cpuCores()}, default all cores)`,
    variables: [],
  }),
  cuda: () => {
    const visibility = parseCudaVisibleDevices(process.env.CUDA_VISIBLE_DEVICES);
    return {
      selection: "CUDA device 0 of the GPUs that CUDA_VISIBLE_DEVICES leaves visible (the lab does not set the EP's deviceId)",
      variables: [
        { name: "CUDA_VISIBLE_DEVICES", value: env("CUDA_VISIBLE_DEVICES"), effect: visibility.summary },
        { name: "NVIDIA_VISIBLE_DEVICES", value: env("NVIDIA_VISIBLE_DEVICES"), effect: "read by the NVIDIA Container Toolkit when a container starts (all, none, indices or UUIDs): which GPUs the container gets at all; CUDA itself never reads it" },
        { name: "LD_LIBRARY_PATH", value: env("LD_LIBRARY_PATH"), effect: "where the CUDA and cuDNN libraries the CUDA execution provider loads are looked for (besides the system's)" },
        { name: "CUDA_DEVICE_NAME", value: env("CUDA_DEVICE_NAME"), effect: "the lab's own label for the device, used instead of nvidia-smi's name" },
      ],
    };
  },
  webgpu: () => {
    const icd = env("VK_ICD_FILENAMES");
    return {
      selection: "Dawn's choice among the Vulkan drivers the Vulkan loader finds; when no hardware driver works, the lab points the loader at SwiftShader, a software GPU",
      variables: [
        { name: "VK_ICD_FILENAMES", value: icd, effect: icd === SWIFTSHADER_ICD ? "SwiftShader's driver manifest: the lane runs on a software GPU (set by the operator, or by the lab after no hardware driver worked)" : icd ? "the only Vulkan driver manifests the loader reads" : "unset: the loader reads the system's driver manifests" },
        { name: "VK_DRIVER_FILES", value: env("VK_DRIVER_FILES"), effect: "the newer name of VK_ICD_FILENAMES; it wins when both are set" },
      ],
    };
  },
  remote: () => ({
    selection: "whatever the Open Inference Protocol server at REMOTE_INFERENCE_URL runs on; its hardware is not known here",
    variables: [{ name: "REMOTE_INFERENCE_URL", value: env("REMOTE_INFERENCE_URL"), effect: "the server this lane sends its requests to" }],
  }),
};

/* ---------- the CUDA_VISIBLE_DEVICES probe ---------- */

/** A refresh is honoured at most this often: every probe forks a process per value. */
export const CUDA_PROBE_MIN_INTERVAL_MS = 60_000;
const CHILD_TIMEOUT_MS = 20_000;
/** Device ids tried per value: past any real machine's count, short of a long probe. */
const MAX_DEVICE_IDS = 8;

const DRIVER_DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/lib/wsl/lib"];

function findOnPaths(file: string, dirs: string[]): string | null {
  for (const dir of dirs) if (existsSync(path.join(dir, file))) return path.join(dir, file);
  return null;
}

function run(command: string, args: string[], timeoutMs = 5000): Promise<{ ok: true; stdout: string } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, encoding: "utf8" }, (error, stdout) => resolve(error ? { ok: false, error: (error as NodeJS.ErrnoException).code === "ENOENT" ? `${command} is not installed` : error.message.split("\n")[0]! } : { ok: true, stdout }));
  });
}

/** onnxruntime-node's native folder, where a CUDA-enabled install puts libonnxruntime_providers_cuda.so. */
function onnxruntimeBinDirs(): string[] {
  try {
    const root = path.dirname(createRequire(path.join(process.cwd(), "package.json")).resolve("onnxruntime-node/package.json"));
    const bin = path.join(root, "bin");
    return readdirSync(bin).map((napi) => path.join(bin, napi, process.platform, process.arch));
  } catch {
    return [];
  }
}

async function cudaChecks(): Promise<{ checks: WireCudaProbe["checks"]; physicalGpus: string[] | null }> {
  const ldPath = (process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean);
  const driver = findOnPaths("libcuda.so.1", [...ldPath, ...DRIVER_DIRS]);
  const providerDirs = onnxruntimeBinDirs();
  const provider = findOnPaths("libonnxruntime_providers_cuda.so", providerDirs);
  const smi = await run("nvidia-smi", ["-L"]);
  const physicalGpus = smi.ok ? smi.stdout.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("GPU ")) : null;
  const deviceNodes = existsSync("/dev/nvidia0") || existsSync("/dev/dxg");
  return {
    physicalGpus,
    checks: [
      {
        name: "NVIDIA driver library (libcuda.so.1)",
        ok: driver !== null,
        detail: driver ?? `not found in LD_LIBRARY_PATH or ${DRIVER_DIRS.join(", ")}: the NVIDIA driver is not installed here (a CUDA toolkit's libcudart alone cannot reach a GPU)`,
      },
      {
        name: "onnxruntime-node's CUDA execution provider (libonnxruntime_providers_cuda.so)",
        ok: provider !== null,
        detail: provider ?? `not in ${providerDirs.join(", ") || "onnxruntime-node's bin folder"}: onnxruntime-node was installed with onnxruntime-node-install=skip, which leaves the CUDA provider out (README, "CUDA on a GPU server")`,
      },
      {
        name: "NVIDIA GPU",
        ok: (physicalGpus?.length ?? 0) > 0 || (physicalGpus === null && deviceNodes),
        detail: physicalGpus ? (physicalGpus.length ? physicalGpus.join("; ") : "nvidia-smi -L lists no GPU") : deviceNodes ? "nvidia-smi is missing, but /dev/nvidia0 exists" : `no device: ${smi.ok ? "" : smi.error}, and there is no /dev/nvidia0`,
      },
    ],
  };
}

/**
 * Counts the CUDA devices a child process can use: a CUDA EP session with
 * deviceId 0, 1, … until one fails (onnxruntime-node has no device-count call).
 */
const CHILD_COUNT = `
const ort = require("onnxruntime-node");
let input = "";
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", async () => {
  const bytes = Buffer.from(input, "base64");
  let count = 0;
  let stop = null;
  for (let id = 0; id < ${MAX_DEVICE_IDS}; id += 1) {
    try {
      const s = await ort.InferenceSession.create(bytes, { executionProviders: [{ name: "cuda", deviceId: id }], logSeverityLevel: 3 });
      await s.release();
      count += 1;
    } catch (error) {
      stop = String((error && error.message) || error).trim().split("\\n").pop();
      break;
    }
  }
  process.stdout.write(JSON.stringify({ count, stop }) + "\\n");
});`;

function countInChild(value: string | null): Promise<WireCudaProbeRow["observed"]> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ORT_DISABLE_TELEMETRY: "1" };
  if (value === null) delete childEnv.CUDA_VISIBLE_DEVICES;
  else childEnv.CUDA_VISIBLE_DEVICES = value;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-e", CHILD_COUNT], { env: childEnv, stdio: ["pipe", "pipe", "ignore"], cwd: process.cwd() });
    let stdout = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ error: `the probe did not finish within ${CHILD_TIMEOUT_MS / 1000} s` });
    }, CHILD_TIMEOUT_MS);
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ error: `could not start the probe process: ${error.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      try {
        const { count, stop } = JSON.parse(stdout.trim().split("\n").pop() ?? "") as { count: number; stop: string | null };
        const devices = Array.from({ length: count }, (_, i) => `device ${i}`);
        resolve({ deviceCount: count, devices, via: `CUDA EP sessions with deviceId 0…${count}${stop ? `; deviceId ${count} failed: ${stop}` : ""}` });
      } catch {
        resolve({ error: `the probe process exited (${code}) without a result` });
      }
    });
    child.stdin.end(Buffer.from(probeModelBytes()).toString("base64"));
  });
}

async function probeCuda(): Promise<WireCudaProbe> {
  const probedAt = new Date();
  const { checks, physicalGpus } = await cudaChecks();
  const failed = checks.filter((c) => !c.ok);
  const physicalCount = physicalGpus?.length ?? null;
  const rows: WireCudaProbeRow[] = [];
  for (const value of CUDA_VISIBLE_DEVICES_PROBES) {
    // One child at a time: they would compete for the same GPUs and cores.
    rows.push({ value, rule: parseCudaVisibleDevices(value, physicalCount), observed: failed.length ? null : await countInChild(value) });
  }
  return {
    canRun: failed.length === 0,
    reason: failed.length ? failed.map((c) => `${c.name} is missing (${c.detail})`).join("; ") : null,
    checks,
    physicalGpus,
    rows,
    probedAt: probedAt.toISOString(),
    refreshAfter: new Date(probedAt.getTime() + CUDA_PROBE_MIN_INTERVAL_MS).toISOString(),
  };
}

const cache = globalThis as unknown as { inferenceLabCudaProbe?: { at: number; probe: Promise<WireCudaProbe> } };

/**
 * The CUDA probe, shared: every caller gets the one in flight or the cached
 * result, and a refresh starts a new one only after CUDA_PROBE_MIN_INTERVAL_MS,
 * so a class of learners opening the page cannot fork a process per request.
 */
export function cudaProbe(options: { refresh?: boolean; now?: number } = {}): Promise<WireCudaProbe> {
  const now = options.now ?? Date.now();
  const current = cache.inferenceLabCudaProbe;
  if (!current || (options.refresh && now - current.at >= CUDA_PROBE_MIN_INTERVAL_MS)) {
    const probe = probeCuda();
    cache.inferenceLabCudaProbe = { at: now, probe };
    // A probe that throws is forgotten, so the next request tries again.
    probe.catch(() => {
      if (cache.inferenceLabCudaProbe?.probe === probe) cache.inferenceLabCudaProbe = undefined;
    });
  }
  return cache.inferenceLabCudaProbe!.probe;
}

export async function deviceReport(options: { refresh?: boolean } = {}): Promise<WireDevices> {
  const [lanes, cuda] = await Promise.all([detectLanes(), cudaProbe(options)]);
  return {
    lanes: SERVER_LANE_IDS.map((id) => {
      const lane = lanes.find((l) => l.id === id)!;
      const provider = executionProviderOf(id);
      return {
        lane: id,
        title: lane.title,
        available: lane.available,
        software: lane.software,
        device: lane.device,
        reason: lane.reason,
        executionProvider: provider ? `${provider} (${PROVIDER_NAMES[provider] ?? provider})` : null,
        ...SELECTION[id](),
      };
    }),
    v2Lane: v2Lane(),
    cuda,
  };
}

/** GET /api/devices[?refresh=1]. */
export function getDevices(request: Request): Promise<Response> {
  return handleErrors(async () => {
    const refresh = new URL(request.url).searchParams.get("refresh");
    if (refresh !== null && refresh !== "1") return jsonError(400, `refresh must be 1 or absent, got "${refresh}"`);
    return jsonOk(await deviceReport({ refresh: refresh === "1" }));
  });
}
