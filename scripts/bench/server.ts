// npm run bench:server — measures the inference engine against itself and
// against plain in-process loops, and prints one table. Not a test: numbers
// depend on the machine and on what else runs on its cores.
import { spawn } from "node:child_process";
import net from "node:net";
import { InferenceSession } from "onnxruntime-node";
import { generateFeeds } from "@/lib/inference/inputs.server";
import { startStandaloneServer } from "@/lib/inference/standalone.server";
import { cpuCores, getLane } from "@/lib/inference/lanes.server";
import { runServer, runSingleStream } from "@/lib/inference/scenarios.server";
import { getRunner, releaseAllRunners } from "@/lib/inference/sessions.server";
import { summarize } from "@/lib/inference/stats";
import { benchModel } from "./models";

process.env.ORT_DISABLE_TELEMETRY = "1";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const rows: Array<[string, string, string, string]> = [];
const fmt = (v: number, digits = 3) => v.toFixed(digits);

const BARE_SERVER = `const s = require("node:http").createServer((q, r) => { q.resume(); q.on("end", () => { r.writeHead(200, { "content-type": "application/json", "content-length": 2 }); r.end("{}"); }); });
s.listen(0, "127.0.0.1", () => console.log("http://127.0.0.1:" + s.address().port));`;

function startBareServer(): Promise<{ url: string; stop: () => void }> {
  return startChild([process.execPath, "-e", BARE_SERVER]);
}

function startServer(): Promise<{ url: string; stop: () => void }> {
  return startChild([process.execPath, "--conditions=react-server", "--import", "tsx", "scripts/bench/serve.ts"]);
}

async function startChild(command: string[]): Promise<{ url: string; stop: () => void }> {
  const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "inherit"], env: process.env });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n").find((l) => l.startsWith("http://"));
      if (line) resolve(line.trim());
    });
    child.on("exit", (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

/**
 * A lean HTTP/1.1 keep-alive client on one TCP socket: the figure is the
 * server's overhead, so the client should add as little of its own as it can
 * (node:http's client costs ~0.1 ms a request more on this class of machine).
 */
class RawClient {
  private socket: net.Socket | null = null;
  private buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | null = null;
  constructor(private readonly url: URL) {}

  private connect(): Promise<net.Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(this.url.port), this.url.hostname, () => resolve(socket));
      socket.setNoDelay(true);
      socket.on("error", reject);
      socket.on("data", (chunk: Buffer) => {
        this.buffer = Buffer.concat([this.buffer, chunk]);
        this.tryComplete();
      });
      this.socket = socket;
    });
  }

  private tryComplete(): void {
    const end = this.buffer.indexOf("\r\n\r\n");
    if (end < 0 || !this.waiting) return;
    const head = this.buffer.subarray(0, end).toString("latin1");
    const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? "0");
    if (this.buffer.length < end + 4 + length) return;
    this.buffer = this.buffer.subarray(end + 4 + length);
    const resolve = this.waiting;
    this.waiting = null;
    resolve(Number(head.slice(9, 12)));
  }

  async post(path: string, body: string): Promise<number> {
    const socket = await this.connect();
    const payload = Buffer.from(body);
    return new Promise((resolve) => {
      this.waiting = resolve;
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${this.url.host}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`);
      socket.write(payload);
    });
  }

  close(): void {
    this.socket?.destroy();
  }
}

const ROUNDS = 10;

/** p50 of `fn` over a short burst: rounds of these are interleaved so drift on shared cores hits every contender alike. */
async function burstP50(fn: () => Promise<unknown>, ms: number, warmup = 20): Promise<number> {
  for (let i = 0; i < warmup; i += 1) await fn();
  const samples: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end || samples.length < 50) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples).p50;
}

/** Median over rounds of each contender's burst p50, contenders interleaved within every round. */
async function interleaved(contenders: Record<string, () => Promise<unknown>>, totalMs: number): Promise<Record<string, number>> {
  const names = Object.keys(contenders);
  const perRound: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const burst = totalMs / ROUNDS / names.length;
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) perRound[name]!.push(await burstP50(contenders[name]!, burst));
  }
  return Object.fromEntries(names.map((n) => [n, summarize(perRound[n]!).p50]));
}

async function httpOverhead(): Promise<void> {
  const { model, source } = benchModel("mlp-narrow");
  console.error(`[bench] HTTP overhead on ${model.id} (${source})`);
  const inProcess = await startStandaloneServer(0);
  const child = await startServer();
  const bareChild = await startBareServer();
  const clients = { inProcess: new RawClient(new URL(inProcess.url)), child: new RawClient(new URL(child.url)), bare: new RawClient(new URL(bareChild.url)) };
  try {
    const feeds = generateFeeds(model, 1, 1);
    const input = Array.from(feeds.input!.data as Float32Array);
    const shape = [...feeds.input!.dims];
    // One intra-op thread on every side: a spinning ORT pool thread would fight the client for 2 cores.
    const session = await InferenceSession.create(model.file, { executionProviders: ["cpu"], intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" });
    const apiBody = JSON.stringify({ model: model.id, lane: "cpu", threads: 1, inputs: { input: { shape, data: input } } });
    const v2Path = `/v2/models/${model.id}/infer`;
    const v2Body = JSON.stringify({ parameters: { threads: 1 }, inputs: [{ name: "input", shape, datatype: "FP32", data: input }] });
    for (const client of [clients.inProcess, clients.child]) {
      if ((await client.post("/api/infer", apiBody)) !== 200) throw new Error("/api/infer did not answer 200");
      if ((await client.post(v2Path, v2Body)) !== 200) throw new Error("v2 infer did not answer 200");
    }
    const p50 = await interleaved(
      {
        local: () => session.run(feeds),
        api: () => clients.inProcess.post("/api/infer", apiBody),
        v2: () => clients.inProcess.post(v2Path, v2Body),
        childApi: () => clients.child.post("/api/infer", apiBody),
        childV2: () => clients.child.post(v2Path, v2Body),
        bare: () => clients.bare.post("/", "{}"),
      },
      SECONDS * 6000,
    );
    const { local, api, v2 } = p50 as Record<string, number>;
    rows.push([`in-process session.run p50 (${model.id}, batch 1, 1 thread)`, `${fmt(local!)} ms`, "reference", ""]);
    rows.push(["POST /api/infer p50 over HTTP", `${fmt(api!)} ms (+${fmt(api! - local!)} ms)`, "≤ +0.5 ms", api! - local! <= 0.5 ? "PASS" : "FAIL"]);
    rows.push(["POST /v2/models/{m}/infer p50 over HTTP", `${fmt(v2!)} ms (+${fmt(v2! - local!)} ms)`, "≤ +0.5 ms", v2! - local! <= 0.5 ? "PASS" : "FAIL"]);
    rows.push(["  same, server in its own process: /api/infer", `${fmt(p50.childApi!)} ms (+${fmt(p50.childApi! - local!)} ms)`, "info", ""]);
    rows.push(["  same, server in its own process: v2 infer", `${fmt(p50.childV2!)} ms (+${fmt(p50.childV2! - local!)} ms)`, "info", ""]);
    rows.push(["  floor: empty node:http server in its own process", `${fmt(p50.bare!)} ms`, "info", ""]);
    await session.release();
  } finally {
    for (const client of Object.values(clients)) client.close();
    child.stop();
    bareChild.stop();
    await inProcess.close();
  }
}

/**
 * `threads` is shared by both sides. The narrow model uses 1: a 2-thread pool on a
 * ~30 µs op is bimodal on 2 shared cores (worker spinning or asleep), which is
 * noise about the machine, not about the engine.
 */
async function fidelity(id: "mlp-narrow" | "mlp-wide", threads: number): Promise<void> {
  const { model } = benchModel(id);
  const { runner } = await getRunner(model, await getLane("cpu"), { threads });
  const session = await InferenceSession.create(model.file, { executionProviders: ["cpu"], intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" });
  const feeds = generateFeeds(model, 1, 1);
  const engine: number[] = [];
  const independent: number[] = [];
  const rounds = 2 * ROUNDS;
  const burst = (SECONDS * 4000) / rounds / 2;
  for (let round = 0; round < rounds; round += 1) {
    const runEngine = async () => {
      const result = await runSingleStream(runner, { kind: "single-stream", batch: 1, measure: { warmupRuns: 10, minRuns: 30, minDurationMs: burst, maxRuns: 1e7, maxDurationMs: 60_000 } });
      engine.push(result.latencyMs.p50);
    };
    const runIndependent = async () => {
      // Deliberately not the stats module: its own loop and a plain sort.
      for (let i = 0; i < 10; i += 1) await session.run(feeds);
      const samples: number[] = [];
      const end = performance.now() + burst;
      while (performance.now() < end || samples.length < 30) {
        const t0 = performance.now();
        await session.run(feeds);
        samples.push(performance.now() - t0);
      }
      samples.sort((a, b) => a - b);
      independent.push(samples[Math.floor(samples.length / 2)]!);
    };
    // Alternate which goes first so drift on shared cores favours neither.
    if (round % 2 === 0) {
      await runEngine();
      await runIndependent();
    } else {
      await runIndependent();
      await runEngine();
    }
  }
  if (process.env.BENCH_VERBOSE) console.error(`[bench] ${model.id} engine ${engine.map((v) => fmt(v)).join(", ")} / independent ${independent.map((v) => fmt(v)).join(", ")}`);
  const [e, i] = [summarize(engine).p50, summarize(independent).p50];
  // Paired by round: each ratio compares two bursts taken back to back, so slow drift cancels.
  const diff = summarize(engine.map((value, k) => value / independent[k]!)).p50 - 1;
  rows.push([`engine single-stream p50 vs independent loop (${model.id}, ${threads} thr)`, `paired ratio ${diff >= 0 ? "+" : ""}${fmt(diff * 100, 1)}% (medians ${fmt(e)} vs ${fmt(i)} ms)`, "within ±5%", Math.abs(diff) <= 0.05 ? "PASS" : "FAIL"]);
  await session.release();
}

async function batching(): Promise<void> {
  const { model, source } = benchModel("mlp-wide");
  console.error(`[bench] dynamic batching on ${model.id} (${source})`);
  const { runner } = await getRunner(model, await getLane("cpu"));
  const base = { kind: "server" as const, load: { mode: "concurrency" as const, concurrency: [32] }, warmupRequests: 32, minRequests: 300, minDurationMs: SECONDS * 1000, maxRequests: 1e6, maxDurationMs: 60_000 };
  const without = (await runServer(runner, { ...base, batching: null })).points[0]!;
  const withBatching = (await runServer(runner, { ...base, batching: { maxBatchSize: 32, maxQueueDelayMs: 2, maxQueueSize: 1024 } })).points[0]!;
  const ratio = withBatching.throughputPerSecond / without.throughputPerSecond;
  rows.push([`${model.id} concurrency 32, no batching`, `${fmt(without.throughputPerSecond, 1)} req/s, p99 ${fmt(without.latencyMs.p99, 2)} ms`, "", ""]);
  rows.push([
    `${model.id} concurrency 32, dynamic batching (max 32, 2 ms)`,
    `${fmt(withBatching.throughputPerSecond, 1)} req/s, p99 ${fmt(withBatching.latencyMs.p99, 2)} ms, mean batch ${fmt(withBatching.meanBatchRows, 1)}`,
    "",
    "",
  ]);
  rows.push(["batching throughput ratio", `${fmt(ratio, 2)}×`, "≥ 3×", ratio >= 3 ? "PASS" : "FAIL"]);
}

function printTable(): void {
  const widths = [0, 1, 2, 3].map((c) => Math.max(...[["check", "measured", "target", "result"], ...rows].map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  console.log(line(["check", "measured", "target", "result"]));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const cpu = await getLane("cpu");
  console.log(`cpu: ${cpu.device}; ${SECONDS} s per measurement (BENCH_SECONDS)`);
  // BENCH_ONLY=http,fidelity,batching runs a subset (for investigating one figure).
  const only = new Set((process.env.BENCH_ONLY ?? "http,fidelity,batching").split(","));
  if (only.has("http")) await httpOverhead();
  if (only.has("fidelity")) {
    await fidelity("mlp-narrow", 1);
    await fidelity("mlp-wide", cpuCores());
  }
  if (only.has("batching")) await batching();
  await releaseAllRunners();
  printTable();
  process.exit(rows.some((r) => r[3] === "FAIL") ? 1 : 0);
}

// CommonJS under tsx (package.json has no "type"): no top-level await.
void main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
