/**
 * Compile-time checks of the server–browser contract (lib/inference/wire.ts).
 * Nothing here runs: `npm run typecheck` (tsc --noEmit) compiles this file, and
 * each `@ts-expect-error` fails the typecheck if the error it expects is gone.
 */
import type { BrowserRunResult } from "@/lib/browser/protocol";
import type { Capabilities, ColdPhases, LaneResult } from "@/lib/experiments/lanes";
import type { measureColdStart } from "@/lib/inference/cold-start.server";
import type { capabilities } from "@/lib/inference/api.server";
import type { JobSnapshot } from "@/lib/inference/jobs.server";
import type { LaneInfo } from "@/lib/inference/lanes.server";
import type { runOffline, runServer, runSingleStream, ScenarioResult } from "@/lib/inference/scenarios.server";
import type { OfflineResult, ServerResult, SingleStreamResult, WireCapabilities, WireColdStart, WireJobSnapshot, WireLaneInfo, ScenarioResult as WireScenarioResult } from "@/lib/inference/wire";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | void {}

// The server's implementation is typed by the wire, not the other way round.
expectType<Equal<Awaited<ReturnType<typeof runSingleStream>>, SingleStreamResult>>();
expectType<Equal<Awaited<ReturnType<typeof runOffline>>, OfflineResult>>();
expectType<Equal<Awaited<ReturnType<typeof runServer>>, ServerResult>>();
expectType<Equal<ScenarioResult, WireScenarioResult>>();
expectType<Equal<JobSnapshot, WireJobSnapshot>>();
expectType<Equal<LaneInfo, WireLaneInfo>>();
expectType<Equal<ReturnType<typeof capabilities>, Promise<Response>>>();
// What the browser reads of the capabilities is a view of what the server declares it sends.
expectType<WireCapabilities extends Capabilities ? true : false>();

// A single-stream result as runSingleStream builds it, every field present: compiles.
const summary = { n: 1, min: 1, mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, max: 1, stddev: 0, medianCi95: null, warnings: [] };
export function completeServerResult(): SingleStreamResult {
  return { kind: "single-stream", batch: 1, latencyMs: summary, samplesMs: [1], elapsedMs: 1, itemsPerSecond: 1, timedItemsPerSecond: 1, p50ItemsPerSecond: 1, loopOverheadUs: 0, gflopsPerSecond: null, cappedEarly: false };
}

// A server result missing `latencyMs`, which the browser reads (runServerLane → LaneResult.points[].latencyMs): fails to compile.
export function serverResultMissingLatency(): SingleStreamResult {
  // @ts-expect-error latencyMs is missing: the browser reads it
  return { kind: "single-stream", batch: 1, samplesMs: [1], elapsedMs: 1, itemsPerSecond: 1, timedItemsPerSecond: 1, p50ItemsPerSecond: 1, loopOverheadUs: 0, gflopsPerSecond: null, cappedEarly: false };
}

// A capabilities lane missing `software`, which the lane status shows: fails to compile.
export function laneMissingSoftware(): WireLaneInfo {
  // @ts-expect-error software is missing: the browser reads it
  return { id: "cpu", title: "CPU", available: true, reason: null, device: "cpu", threads: null, notes: [] };
}

// An offline point missing `cappedEarly`, which the browser copies into its result table: fails to compile.
export function offlineMissingCappedEarly(): OfflineResult {
  return {
    kind: "offline",
    // @ts-expect-error cappedEarly is missing: the browser reads it
    points: [{ batch: 1, latencyMs: summary, msPerItem: 1, gflopsPerSecond: null, itemsPerSecond: 1, timedItemsPerSecond: 1, p50ItemsPerSecond: 1, loopOverheadUs: 0 }],
    cappedBy: null,
    failures: [],
    bestBatch: 1,
    bestItemsPerSecond: 1,
  };
}

// The browser's result rows take the server's latency summary as is.
expectType<Equal<LaneResult["points"][number]["latencyMs"], SingleStreamResult["latencyMs"]>>();

// A cold start: the server's phases are the declared wire type, and the browser runner reports the same phases under the same names.
expectType<Equal<Awaited<ReturnType<typeof measureColdStart>>["coldStart"], WireColdStart>>();
expectType<BrowserRunResult["phases"] extends ColdPhases ? true : false>();
expectType<WireColdStart extends ColdPhases ? true : false>();
