/**
 * The lane vocabulary: every place that needs a lane's name, title, stored key
 * or hardware kind derives it from here. Browser-safe (no imports), so the
 * server, the Web Worker runner, the experiment components and the instructor
 * views all read the same lists. See docs/decisions/0011-lane-vocabulary-and-wire-types.md.
 *
 * Adding a server lane: its id in SERVER_LANE_IDS, then the entries the compiler
 * asks for: SERVER_LANES and LANES in this file, its probe (LOCAL_PROBES) in
 * lib/inference/lanes.server.ts and its execution provider (PROVIDERS, null if none) in
 * lib/inference/sessions.server.ts.
 */

/** What a lane's numbers measure. A software GPU (SwiftShader, a fallback adapter) is its own kind everywhere. */
export type HardwareKind = "GPU" | "software GPU" | "CPU" | "remote";

/** Every lane the server knows, in the order it probes and reports them; which of them work is decided by probing. */
export const SERVER_LANE_IDS = ["cpu", "cuda", "webgpu", "remote"] as const;
export type ServerLaneId = (typeof SERVER_LANE_IDS)[number];

export function isServerLaneId(value: string): value is ServerLaneId {
  return (SERVER_LANE_IDS as readonly string[]).includes(value);
}

/** The onnxruntime-web builds a browser lane runs on. */
export const BROWSER_LANE_IDS = ["webgpu", "wasm"] as const;
export type BrowserLaneId = (typeof BROWSER_LANE_IDS)[number];

export interface ServerLaneSpec {
  /** The hardware kind when the lane is not software. */
  kind: Exclude<HardwareKind, "software GPU">;
  /** Whether the lane can turn out to be a software rasteriser posing as a GPU (its speed is then not GPU speed). */
  canBeSoftware: boolean;
  /** The sentence a learner reads when the lane is unavailable; null for a lane that always runs. */
  unavailablePlain: string | null;
}

export const SERVER_LANES: Record<ServerLaneId, ServerLaneSpec> = {
  cpu: { kind: "CPU", canBeSoftware: false, unavailablePlain: null },
  cuda: { kind: "GPU", canBeSoftware: false, unavailablePlain: "This server has no NVIDIA GPU it can use." },
  webgpu: { kind: "GPU", canBeSoftware: true, unavailablePlain: "This server has no GPU driver that WebGPU can use." },
  remote: { kind: "remote", canBeSoftware: true, unavailablePlain: "No remote inference server is connected to this lab." },
};

export interface BrowserLaneSpec {
  kind: "GPU" | "CPU";
  /** WebGPU in a browser may be a fallback adapter (SwiftShader): software. */
  canBeSoftware: boolean;
}

export const BROWSER_LANES: Record<BrowserLaneId, BrowserLaneSpec> = {
  webgpu: { kind: "GPU", canBeSoftware: true },
  wasm: { kind: "CPU", canBeSoftware: false },
};

export type ServerLaneKey = `server-${ServerLaneId}`;
export type BrowserLaneKey = "browser-webgpu" | "browser-wasm" | "browser-wasm-threads";
/** A lane as the experiments offer it: a server lane, or a browser build with one or several threads. */
export type LaneKey = ServerLaneKey | BrowserLaneKey;

interface LaneKeySpecBase {
  /** The title the experiment components show. */
  title: string;
  /** The key stored with a result (POST /api/experiment-results); thread counts are stored beside it, not in it. */
  stored: string;
}
export interface ServerLaneKeySpec extends LaneKeySpecBase {
  side: "server";
  id: ServerLaneId;
}
export interface BrowserLaneKeySpec extends LaneKeySpecBase {
  side: "browser";
  id: BrowserLaneId;
  /** WASM with as many threads as the page may use (cross-origin isolated), rather than one. */
  threads: boolean;
}

/** Every lane key, in the order the experiments show and run them. The compiler asks for an entry per lane. */
export const LANES = {
  "server-cpu": { side: "server", id: "cpu", title: "Server CPU", stored: "server-cpu" },
  "server-webgpu": { side: "server", id: "webgpu", title: "Server WebGPU", stored: "server-webgpu" },
  "server-cuda": { side: "server", id: "cuda", title: "Server CUDA", stored: "server-cuda" },
  "server-remote": { side: "server", id: "remote", title: "Remote server", stored: "server-remote" },
  "browser-webgpu": { side: "browser", id: "webgpu", threads: false, title: "Your browser: WebGPU", stored: "browser-webgpu" },
  "browser-wasm": { side: "browser", id: "wasm", threads: false, title: "Your browser: WASM, 1 thread", stored: "browser-wasm" },
  "browser-wasm-threads": { side: "browser", id: "wasm", threads: true, title: "Your browser: WASM, several threads", stored: "browser-wasm" },
} as const satisfies { [K in ServerLaneKey]: ServerLaneKeySpec & { id: K extends `server-${infer Id}` ? Id : never } } & Record<BrowserLaneKey, BrowserLaneKeySpec>;

export const LANE_KEYS = Object.keys(LANES) as LaneKey[];

export const LANE_TITLES: Record<LaneKey, string> = Object.fromEntries(LANE_KEYS.map((key) => [key, LANES[key].title])) as Record<LaneKey, string>;

/** The lane keys results are stored under: browser lanes first, then the server's (the order the schema has always listed). */
export type StoredLane = (typeof LANES)[LaneKey]["stored"];
export const STORED_LANES = [...new Set([...LANE_KEYS.filter((k) => LANES[k].side === "browser"), ...LANE_KEYS.filter((k) => LANES[k].side === "server")].map((k) => LANES[k].stored))] as [StoredLane, ...StoredLane[]];

/** Titles of stored results (the permalink page), where one browser-wasm row may hold any thread count. */
export const STORED_LANE_TITLES: Record<StoredLane, string> = {
  "browser-webgpu": "Browser WebGPU",
  "browser-wasm": "Browser WASM",
  ...(Object.fromEntries(LANE_KEYS.filter(isServerLaneKey).map((key) => [LANES[key].stored, LANES[key].title])) as Record<ServerLaneKey, string>),
};

export function storedLane(key: LaneKey): StoredLane {
  return LANES[key].stored;
}

export function isServerLaneKey(key: LaneKey): key is ServerLaneKey {
  return LANES[key].side === "server";
}

export function serverLaneIdOf(key: ServerLaneKey): ServerLaneId {
  return LANES[key].id;
}

/** A stored lane's kind when not software; a stored browser lane's kind comes from its build. */
function storedKind(lane: string): Exclude<HardwareKind, "software GPU"> | null {
  const key = LANE_KEYS.find((k) => LANES[k].stored === lane);
  if (!key) return null;
  const spec = LANES[key];
  return spec.side === "server" ? SERVER_LANES[spec.id].kind : BROWSER_LANES[spec.id].kind;
}

/**
 * The hardware a stored result ran on. A software GPU is a CPU pretending to be a
 * GPU: it must never be read as GPU speed, so it is its own kind everywhere.
 * Unknown lanes (never stored: the schema refuses them) read as CPU.
 */
export function hardwareKind(lane: string, software: boolean): HardwareKind {
  if (software) return "software GPU";
  return storedKind(lane) ?? "CPU";
}
