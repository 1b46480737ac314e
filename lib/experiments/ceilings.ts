/**
 * A lane's measured roofline ceilings, for the experiment components: server
 * lanes ask POST /api/ceilings (the server caches per lane, device and
 * threads); browser lanes measure in a worker of their own and keep the answer
 * in this browser's localStorage, keyed by lane, device and threads. Both
 * re-measure when asked.
 */
import type { BrowserProbe } from "@/lib/browser/probe";
import type { BrowserCeilingsResult } from "@/lib/browser/protocol";
import { measureCeilingsInBrowser } from "@/lib/browser/runner";
import type { WireCeilings } from "@/lib/inference/wire";
import { isServerLaneKey, LANE_TITLES, type LaneKey, LANES, serverLaneIdOf } from "@/lib/lanes";
import { errorText } from "./api";

export interface LaneCeilings {
  key: LaneKey;
  title: string;
  device: string;
  software: boolean;
  threads: number | null;
  bandwidthGBps: number;
  computeGflops: number;
  ridgeFlopsPerByte: number;
  /** Which probe sizes were used and why (a browser streams less than a server). */
  note: string;
  bandwidthProbe: { bytesPerCall: number; p50Ms: number; n: number };
  computeProbe: { flopsPerCall: number; p50Ms: number; n: number };
  measuredAt: string;
  cached: boolean;
}

const STORAGE_PREFIX = "inference-lab:ceilings:";

function fromServer(key: LaneKey, c: WireCeilings): LaneCeilings {
  return {
    key,
    title: LANE_TITLES[key],
    device: `${c.lane.device ?? "unknown device"}${c.lane.software ? " (software GPU)" : ""}`,
    software: c.lane.software === true,
    threads: c.threads,
    bandwidthGBps: c.bandwidthGBps,
    computeGflops: c.computeGflops,
    ridgeFlopsPerByte: c.ridgeFlopsPerByte,
    note: c.note,
    bandwidthProbe: c.bandwidth,
    computeProbe: c.compute,
    measuredAt: c.measuredAt,
    cached: c.cached,
  };
}

function fromBrowser(key: LaneKey, c: BrowserCeilingsResult, cached: boolean): LaneCeilings {
  const a = c.adapter;
  const software = a?.isFallbackAdapter === true;
  const device = c.lane === "webgpu" ? `${[a?.vendor, a?.architecture, a?.description].filter(Boolean).join(" ") || "unnamed adapter"}${software ? " (software GPU)" : a?.isFallbackAdapter === null ? " (the adapter did not say whether it is hardware or software)" : ""}` : `browser CPU (${c.threads} thread${c.threads === 1 ? "" : "s"})`;
  return { key, title: LANE_TITLES[key], device, software, threads: c.threads, bandwidthGBps: c.bandwidthGBps, computeGflops: c.computeGflops, ridgeFlopsPerByte: c.ridgeFlopsPerByte, note: c.note, bandwidthProbe: c.bandwidth, computeProbe: c.compute, measuredAt: c.measuredAt, cached };
}

/** The device part of a browser lane's cache key: the adapter or the core count, so another GPU or machine measures afresh. */
function browserDeviceKey(key: LaneKey, probe: BrowserProbe | null, threads: number): string {
  if (key === "browser-webgpu") return probe?.webgpu.available ? probe.webgpu.description : "?";
  return `${probe?.hardwareConcurrency ?? "?"} cores|${threads} threads|${probe?.crossOriginIsolated ? "isolated" : "not isolated"}`;
}

export async function laneCeilings(key: LaneKey, options: { remeasure: boolean; threads?: number; probe: BrowserProbe | null; signal: AbortSignal; onProgress: (fraction: number, message: string) => void }): Promise<LaneCeilings> {
  if (isServerLaneKey(key)) {
    const body = { lane: serverLaneIdOf(key), remeasure: options.remeasure, ...(options.threads !== undefined && key === "server-cpu" ? { threads: options.threads } : {}) };
    options.onProgress(0, options.remeasure ? "measuring the server's ceilings" : "asking the server for its ceilings");
    const response = await fetch("/api/ceilings", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: options.signal });
    if (!response.ok) throw new Error(await errorText(response));
    return fromServer(key, (await response.json()) as WireCeilings);
  }
  const spec = LANES[key];
  const threads = spec.side === "browser" && spec.threads ? (options.probe?.wasmThreads ?? 1) : 1;
  const storageKey = `${STORAGE_PREFIX}${key}|${browserDeviceKey(key, options.probe, threads)}`;
  if (!options.remeasure) {
    try {
      const stored = localStorage.getItem(storageKey);
      if (stored) return fromBrowser(key, JSON.parse(stored) as BrowserCeilingsResult, true);
    } catch {
      // Storage refused or a stale shape: measure.
    }
  }
  const result = await measureCeilingsInBrowser({ lane: spec.id as "webgpu" | "wasm", threads }, options.onProgress, options.signal);
  try {
    localStorage.setItem(storageKey, JSON.stringify(result));
  } catch {
    // A full or refused storage only costs a re-measurement next time.
  }
  return fromBrowser(key, result, false);
}
