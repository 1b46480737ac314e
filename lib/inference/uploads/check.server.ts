import "server-only";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { serverEnv } from "@/lib/env.server";
import { repoRoot } from "@/lib/models/files.server";
import type { CheckRequest, ChildReport } from "./check-protocol";

/**
 * The first session of an uploaded model, in a child process under a time and
 * a memory limit: onnxruntime is native code, and a hostile or broken graph can
 * abort, hang or allocate without bound. Whatever happens there, the server
 * only sees a report or a dead child, and answers the upload with the reason.
 */

export interface CheckLimits {
  timeoutMs: number;
  memoryBytes: number;
}

export type CheckOutcome = ChildReport & { wallMs: number; peakRssBytes: number };

const CHILD = path.join("lib", "inference", "uploads", "check-child.server.ts");
const RSS_POLL_MS = 50;

export function checkLimits(): CheckLimits {
  const env = serverEnv();
  return { timeoutMs: env.MODEL_CHECK_TIMEOUT_MS, memoryBytes: env.MODEL_CHECK_MEMORY_MB * 1024 * 1024 };
}

/** Resident memory of a process from /proc (Linux); null where there is no /proc or it has gone. */
function residentBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function describeDeath(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was killed by ${signal}${signal === "SIGABRT" ? " (onnxruntime aborted)" : signal === "SIGSEGV" ? " (a crash in native code)" : ""}`;
  return `exited with code ${code} before reporting`;
}

let queue: Promise<unknown> = Promise.resolve();

/** Checks run one at a time: each may use a core and the memory limit in full. */
export function checkModelInChild(request: CheckRequest, limits: CheckLimits = checkLimits()): Promise<CheckOutcome> {
  const run = queue.then(() => runChild(request, limits));
  queue = run.catch(() => undefined);
  return run;
}

function runChild(request: CheckRequest, limits: CheckLimits): Promise<CheckOutcome> {
  const started = performance.now();
  // The heap cap stops a runaway in JavaScript early; native allocations are what the RSS watch is for.
  const heapMb = Math.max(128, Math.floor(limits.memoryBytes / (1024 * 1024)));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NODE_ENV: process.env.NODE_ENV,
    ORT_DISABLE_TELEMETRY: "1",
    ...(process.env.NODE_ENV === "test" && process.env.INFERENCE_LAB_MODEL_CHECK_FAULT ? { INFERENCE_LAB_MODEL_CHECK_FAULT: process.env.INFERENCE_LAB_MODEL_CHECK_FAULT } : {}),
  };
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", `--max-old-space-size=${heapMb}`, CHILD], {
    cwd: repoRoot(),
    env,
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 8192) stderr += chunk.toString();
  });
  return new Promise((resolve) => {
    let report: ChildReport | null = null;
    let killedFor: string | null = null;
    let peak = 0;
    const kill = (why: string) => {
      if (killedFor || child.exitCode !== null) return;
      killedFor = why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => kill(`did not finish within ${Math.round(limits.timeoutMs / 1000)} s (the model hangs or is far too slow to load)`), limits.timeoutMs);
    const watch = setInterval(() => {
      if (child.pid === undefined) return;
      const rss = residentBytes(child.pid);
      if (rss === null) return;
      peak = Math.max(peak, rss);
      if (rss > limits.memoryBytes) kill(`used more than ${Math.round(limits.memoryBytes / (1024 * 1024))} MiB of memory (${Math.round(rss / (1024 * 1024))} MiB when stopped)`);
    }, RSS_POLL_MS);
    child.on("message", (message: ChildReport) => {
      report = message;
    });
    child.on("error", (error) => kill(`could not start: ${error.message}`));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      const wallMs = performance.now() - started;
      if (report && !killedFor) return resolve({ ...report, wallMs, peakRssBytes: peak });
      const lastLine = stderr.trim().split("\n").filter(Boolean).at(-1)?.slice(0, 300);
      const why = killedFor ?? describeDeath(code, signal);
      resolve({
        kind: "refused",
        status: 422,
        code: killedFor?.startsWith("did not finish") ? "timeout" : killedFor?.startsWith("used more") ? "memory" : "crashed",
        error: `the first onnxruntime session of this model, in a separate process, ${why}${lastLine && !killedFor ? `: ${lastLine}` : ""}; the model is refused and the server is unaffected`,
        wallMs,
        peakRssBytes: peak,
      });
    });
    child.send(request);
  });
}
