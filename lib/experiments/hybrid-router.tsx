"use client";
import { useMemo, useState } from "react";
import { type Contention, differencePercent, type HybridOutcome, type HybridPolicy, type LaneBatching, type LaneProfile, POLICY_TITLES, policyLabel, profileFromSweep, simulateHybrid } from "@/lib/inference/hybrid-sim";
import { hybridSimulationSchema } from "@/lib/inference/schemas";
import type { HybridResult, OfflineResult, WireJobSnapshot } from "@/lib/inference/wire";
import { getModel } from "@/lib/models/registry";
import { errorText, LaneCancelled, runServerJob } from "./api";
import { PlotChart, type PlotModule } from "./chart";
import { ExperimentFrame } from "./components/frame";
import { ResultActions } from "./components/result-actions";
import { FALLBACK_PRICE, type LanePrice } from "./cost";
import { fmt, tickFormat } from "./format";
import { useLabContext } from "./hooks/lab-context";
import { useRun } from "./hooks/run";
import { isServerLaneKey, LANE_KEYS, LANE_TITLES, type LaneKey, storedLane } from "./lanes";
import { pageEnvironment, saveRun, type SaveState } from "./records";

type ServerKey = Extract<LaneKey, `server-${string}`>;
const SERVER_KEYS = LANE_KEYS.filter(isServerLaneKey) as ServerKey[];
const laneId = (key: ServerKey) => key.replace("server-", "");

export interface HybridRouterExperimentProps {
  model?: string;
  /** Lane A and lane B offered first; the learner can change both. */
  lanes?: [ServerKey, ServerKey];
  rate?: number;
  /** "80% 1, 20% 32": share of requests and items per request. */
  mix?: string;
  /** Cited $/hour per lane, as the cost experiment takes them. */
  prices?: Partial<Record<LaneKey, LanePrice>>;
  /** Requests in a live run (its length is about this ÷ the rate). */
  liveRequests?: number;
  title?: string;
}

const POLICY_KINDS = Object.keys(POLICY_TITLES) as Array<HybridPolicy["kind"]>;
const SIM_REQUESTS = 20_000;

/** "80% 1, 20% 32" → the mix; a plain message when it does not read. */
export function parseMix(text: string): { mix: Array<{ items: number; percent: number }> } | { error: string } {
  const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return { error: "The mix is empty: write it like “80% 1, 20% 32” (share of requests, then items per request)." };
  const mix: Array<{ items: number; percent: number }> = [];
  for (const part of parts) {
    const match = /^(\d+(?:\.\d+)?)\s*%\s*(?:of\s*)?(\d+)$/.exec(part);
    if (!match) return { error: `“${part}” does not read as “share% items”, e.g. “20% 32”.` };
    mix.push({ percent: Number(match[1]), items: Number(match[2]) });
  }
  return { mix };
}

const FIELD_NAMES: Record<string, string> = {
  "workload.rate": "Arrival rate",
  "workload.mix": "Request mix",
  "workload.requests": "Simulated requests",
  "batching.a.maxBatch": "Lane A's max batch",
  "batching.b.maxBatch": "Lane B's max batch",
  "profiles.0.modelId": "Lane A's profile",
  "profiles.1.modelId": "Lane B's profile",
  "profiles.1.lane": "Lane B",
  "policy.threshold": "Threshold",
};

/** A zod issue as a sentence a learner can act on. */
function plainIssue(path: PropertyKey[], message: string): string {
  const key = path.map(String).join(".");
  return `${FIELD_NAMES[key] ?? key}: ${message}.`;
}

interface Settings {
  rate: number;
  mixText: string;
  policy: HybridPolicy["kind"];
  threshold: number;
  batchingA: boolean;
  batchingB: boolean;
  maxBatch: number;
  maxWaitMs: number;
  contentionA: number;
  contentionB: number;
}

interface LiveRun {
  job: WireJobSnapshot;
  result: HybridResult;
  /** The simulation of the same workload with what the live run measured about the lanes. */
  simulated: HybridOutcome;
}

export function HybridRouterExperiment({ model = "digits-mlp", lanes = ["server-cpu", "server-webgpu"], rate = 20, mix = "80% 1, 20% 32", prices = {}, liveRequests = 300, title }: HybridRouterExperimentProps) {
  const spec = getModel(model);
  const { status, probe, lessonSlug } = useLabContext();
  const run = useRun();
  const [laneA, setLaneA] = useState<ServerKey>(lanes[0]);
  const [laneB, setLaneB] = useState<ServerKey>(lanes[1]);
  const [settings, setSettings] = useState<Settings>({ rate, mixText: mix, policy: "threshold", threshold: 8, batchingA: false, batchingB: false, maxBatch: 32, maxWaitMs: 2, contentionA: 0, contentionB: 0 });
  const [profiles, setProfiles] = useState<[LaneProfile, LaneProfile] | null>(null);
  const [blocking, setBlocking] = useState<0 | 1 | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [simulated, setSimulated] = useState<Array<{ policy: HybridPolicy; outcome: HybridOutcome }> | null>(null);
  const [sweep, setSweep] = useState<Array<{ threshold: number; outcome: HybridOutcome }> | null>(null);
  const [live, setLive] = useState<LiveRun | null>(null);
  const [saved, setSaved] = useState<SaveState>({ state: "idle" });
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => setSettings((s) => ({ ...s, [key]: value }));
  const priceOf = (key: LaneKey) => prices[key] ?? FALLBACK_PRICE;

  const parsedMix = parseMix(settings.mixText);
  const largest = "mix" in parsedMix ? Math.max(...parsedMix.mix.map((m) => m.items)) : 1;
  const batching: [LaneBatching | null, LaneBatching | null] = [settings.batchingA ? { maxBatch: settings.maxBatch, maxWaitMs: settings.maxWaitMs } : null, settings.batchingB ? { maxBatch: settings.maxBatch, maxWaitMs: settings.maxWaitMs } : null];
  const policyOf = (kind: HybridPolicy["kind"], threshold = settings.threshold): HybridPolicy => (kind === "threshold" ? { kind, threshold } : { kind });
  const contention: Contention = { a: settings.contentionA, b: settings.contentionB, blocking };

  /** The simulation request, checked by the schema the server uses; a plain message when it fails. */
  const simulationFor = (policy: HybridPolicy, requests = SIM_REQUESTS) => {
    if ("error" in parsedMix) return { error: parsedMix.error };
    if (laneA === laneB) return { error: "Lane B: pick a different lane from lane A; a router needs two." };
    if (!profiles) return { error: "Measure (or load) both lanes' profiles first." };
    const body = { model, profiles, workload: { rate: settings.rate, mix: parsedMix.mix, requests, seed: 1 }, policy, batching: { a: batching[0], b: batching[1] }, contention: { a: settings.contentionA, b: settings.contentionB }, dollarsPerHour: [priceOf(laneA).dollarsPerHour, priceOf(laneB).dollarsPerHour] };
    const checked = hybridSimulationSchema.safeParse(body);
    if (!checked.success) return { error: checked.error.issues.slice(0, 3).map((i) => plainIssue(i.path, i.message)).join(" ") };
    const sim = checked.data;
    return { sim: { ...sim, batching: [sim.batching.a, sim.batching.b] as [LaneBatching | null, LaneBatching | null], contention } };
  };

  const profileLane = async (key: ServerKey, signal: AbortSignal, onProgress: (f: number, m: string) => void): Promise<LaneProfile> => {
    const maxBatch = 2 ** Math.ceil(Math.log2(Math.max(largest, batching.some(Boolean) ? settings.maxBatch : 1)));
    const job = await runServerJob({ model, lane: laneId(key), scenario: { kind: "offline", maxBatch, warmupRuns: 5, minRuns: 20, minDurationMs: 300, maxDurationMs: 3000 } }, onProgress, signal);
    const sweepResult = job.results!.scenario as OfflineResult;
    return profileFromSweep(sweepResult.points, { lane: key, modelId: model, device: job.lane.device, software: job.lane.software === true, source: `batch sweep just measured (benchmark ${job.id})` });
  };

  const measureProfiles = () =>
    void run.start(async (signal, onProgress) => {
      setMessage(null);
      try {
        const a = await profileLane(laneA, signal, (f, m) => onProgress(laneA, f, m));
        const b = await profileLane(laneB, signal, (f, m) => onProgress(laneB, f, m));
        setProfiles([a, b]);
      } catch (error) {
        if (!(error instanceof LaneCancelled)) setMessage(error instanceof Error ? error.message : String(error));
      }
    });

  /** The server's latest stored batch sweep of each lane for this model, when there is one. */
  const loadStoredProfiles = async () => {
    setMessage(null);
    const stored = async (key: ServerKey): Promise<LaneProfile | string> => {
      const response = await fetch(`/api/benchmarks?model=${encodeURIComponent(model)}&lane=${laneId(key)}&limit=50`);
      if (!response.ok) return `${LANE_TITLES[key]}: ${await errorText(response)}`;
      const { runs } = (await response.json()) as { runs: WireJobSnapshot[] };
      const sweepRun = runs.find((r) => r.results?.scenario.kind === "offline" && (r.results.scenario as OfflineResult).points.some((p) => p.batch >= largest));
      if (!sweepRun) return `${LANE_TITLES[key]}: the server has no stored batch sweep of ${model} up to batch ${largest}; measure one.`;
      return profileFromSweep((sweepRun.results!.scenario as OfflineResult).points, { lane: key, modelId: model, device: sweepRun.lane.device, software: sweepRun.lane.software === true, source: `stored batch sweep of ${sweepRun.finishedAt ?? sweepRun.createdAt} (benchmark ${sweepRun.id})` });
    };
    const [a, b] = await Promise.all([stored(laneA), stored(laneB)]);
    if (typeof a === "string" || typeof b === "string") setMessage([a, b].filter((x) => typeof x === "string").join(" "));
    else setProfiles([a, b]);
  };

  const simulateAll = () => {
    const outcomes: Array<{ policy: HybridPolicy; outcome: HybridOutcome }> = [];
    for (const kind of POLICY_KINDS) {
      const checked = simulationFor(policyOf(kind));
      if ("error" in checked) {
        setMessage(checked.error ?? null);
        return;
      }
      outcomes.push({ policy: checked.sim.policy, outcome: simulateHybrid(checked.sim) });
    }
    setMessage(null);
    setSimulated(outcomes);
  };

  const sweepThreshold = () => {
    const points: Array<{ threshold: number; outcome: HybridOutcome }> = [];
    const steps = [...new Set([0, 1, 2, 4, 8, 16, 32, 64, largest - 1, largest].filter((t) => t >= 0 && t <= largest))].sort((a, b) => a - b);
    for (const threshold of steps) {
      const checked = simulationFor({ kind: "threshold", threshold });
      if ("error" in checked) {
        setMessage(checked.error ?? null);
        return;
      }
      points.push({ threshold, outcome: simulateHybrid(checked.sim) });
    }
    setMessage(null);
    setSweep(points);
  };

  const runLive = () =>
    void run.start(async (signal, onProgress) => {
      setMessage(null);
      const policy = policyOf(settings.policy);
      const checked = simulationFor(policy, liveRequests);
      if ("error" in checked) {
        setMessage(checked.error ?? null);
        return;
      }
      try {
        const job = await runServerJob(
          {
            model,
            lane: laneId(laneA),
            scenario: { kind: "hybrid", laneB: laneId(laneB), workload: checked.sim.workload, policy, batching: { a: batching[0], b: batching[1] }, profiles, measureContention: true },
          },
          (f, m) => onProgress(laneA, f, m),
          signal,
        );
        const result = job.results!.scenario as HybridResult;
        const measured: Contention = result.contention ? { a: result.contention.a, b: result.contention.b, blocking: result.contention.blocking, beside: result.contention.beside ?? null } : contention;
        if (result.contention) {
          setSettings((s) => ({ ...s, contentionA: result.contention!.a, contentionB: result.contention!.b }));
          setBlocking(result.contention.blocking);
        }
        // The simulation of the same schedule, with every effect the server measured before the run.
        const simulatedOutcome = simulateHybrid({ ...checked.sim, contention: measured, senderLagQuantilesMs: result.ownSenderLagMs?.quantiles, wakeUp: result.contention?.wakeUp ?? null, timerLateQuantilesMs: result.contention?.timerLateMs ?? null });
        setLive({ job, result, simulated: simulatedOutcome });
        setSaved({ state: "saving" });
        setSaved(
          await saveRun(
            lessonSlug,
            "hybrid-router",
            [
              {
                lane: storedLane(laneA),
                modelId: model,
                device: job.lane.device,
                software: job.lane.software === true,
                threads: null,
                batchSize: null,
                p50Ms: result.outcome.latencyMs.p50,
                throughput: result.outcome.throughputPerSecond,
                environment: { server: true },
                results: { laneB: laneB, laneBDevice: job.laneB?.device ?? null, policy, workload: result.workload, batching: result.batching, contention: result.contention, live: result.outcome, simulated: simulatedOutcome, profiles },
                benchmarkRunId: job.id,
              },
            ],
            pageEnvironment(probe),
          ),
        );
      } catch (error) {
        if (!(error instanceof LaneCancelled)) setMessage(error instanceof Error ? error.message : String(error));
      }
    });

  const chart = useMemo(() => (sweep ? sweepChart(sweep) : null), [sweep]);
  if (!spec) return <p className="quiz-error">HybridRouterExperiment: unknown model “{model}”.</p>;
  const laneOptions = SERVER_KEYS.map((key) => ({ key, status: status(key, model) }));
  const softwareNote = profiles?.some((p) => p.software) || laneOptions.some((o) => (o.key === laneA || o.key === laneB) && o.status.software);

  return (
    <ExperimentFrame title={title ?? `A hybrid router for ${spec.title}: simulated, then run live`} kind="hybrid-router">
      <p className="muted">
        Requests arrive at random (Poisson) with a mix of sizes. A policy sends each one to lane A or lane B. The simulation replays the lanes&apos; measured service times in your browser; the live run sends the same schedule to the server for real.
      </p>
      <p className="callout" data-testid="shared-cores">
        On this server both lanes share the same two CPU cores: the WebGPU lane is SwiftShader, a software GPU that runs on the CPU. A request on one lane slows the other, and the live run measures by how much before it starts.
      </p>
      <fieldset>
        <legend>Lanes and profiles</legend>
        <label>
          Lane A{" "}
          <select aria-label="lane A" value={laneA} onChange={(e) => setLaneA(e.target.value as ServerKey)}>
            {laneOptions.map((o) => (
              <option key={o.key} value={o.key} disabled={!o.status.available}>
                {LANE_TITLES[o.key]}
                {o.status.available ? "" : " (unavailable)"}
              </option>
            ))}
          </select>
        </label>{" "}
        <label>
          Lane B{" "}
          <select aria-label="lane B" value={laneB} onChange={(e) => setLaneB(e.target.value as ServerKey)}>
            {laneOptions.map((o) => (
              <option key={o.key} value={o.key} disabled={!o.status.available}>
                {LANE_TITLES[o.key]}
                {o.status.available ? "" : " (unavailable)"}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="button" onClick={measureProfiles} disabled={run.running}>
          Measure profiles now
        </button>{" "}
        <button type="button" onClick={() => void loadStoredProfiles()} disabled={run.running}>
          Use the server&apos;s stored sweeps
        </button>
        {profiles && (
          <table className="result-table" data-testid="hybrid-profiles">
            <caption>Measured mean service time per call (ms) by batch size</caption>
            <thead>
              <tr>
                <th scope="col">Lane and device</th>
                {profiles[0].points.map((p) => (
                  <th scope="col" key={p.batch}>
                    batch {p.batch}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {profiles.map((profile) => (
                <tr key={profile.lane} data-lane={profile.lane}>
                  <th scope="row">
                    {LANE_TITLES[profile.lane as LaneKey] ?? profile.lane}
                    <span className="cell-note">
                      {profile.device ?? "unknown device"}
                      {profile.software ? " (software GPU)" : ""}; {profile.source}
                    </span>
                  </th>
                  {profiles[0].points.map((p) => (
                    <td key={p.batch}>{fmt(profile.points.find((q) => q.batch === p.batch)?.meanMs)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </fieldset>
      <fieldset>
        <legend>Workload and policy</legend>
        <label>
          Arrival rate (requests/s) <input type="number" aria-label="arrival rate" value={settings.rate} onChange={(e) => set("rate", Number(e.target.value))} />
        </label>{" "}
        <label>
          Mix <input type="text" aria-label="request mix" value={settings.mixText} onChange={(e) => set("mixText", e.target.value)} />
        </label>{" "}
        <label>
          Policy for the live run{" "}
          <select aria-label="policy" value={settings.policy} onChange={(e) => set("policy", e.target.value as HybridPolicy["kind"])}>
            {POLICY_KINDS.map((k) => (
              <option key={k} value={k}>
                {POLICY_TITLES[k]}
              </option>
            ))}
          </select>
        </label>{" "}
        <label>
          Threshold N (more than N items → B) <input type="number" aria-label="threshold" min={0} value={settings.threshold} onChange={(e) => set("threshold", Number(e.target.value))} />
        </label>
        <br />
        <label>
          <input type="checkbox" aria-label="batching on lane A" checked={settings.batchingA} onChange={(e) => set("batchingA", e.target.checked)} /> dynamic batching on lane A
        </label>{" "}
        <label>
          <input type="checkbox" aria-label="batching on lane B" checked={settings.batchingB} onChange={(e) => set("batchingB", e.target.checked)} /> on lane B
        </label>{" "}
        <label>
          max batch <input type="number" aria-label="max batch" min={1} value={settings.maxBatch} onChange={(e) => set("maxBatch", Number(e.target.value))} />
        </label>{" "}
        <label>
          max wait (ms) <input type="number" aria-label="max wait" min={0} step="0.5" value={settings.maxWaitMs} onChange={(e) => set("maxWaitMs", Number(e.target.value))} />
        </label>
        <br />
        <label>
          Contention: lane A slower by <input type="number" aria-label="contention A" min={0} step="0.05" value={settings.contentionA} onChange={(e) => set("contentionA", Number(e.target.value))} />
        </label>{" "}
        <label>
          lane B slower by <input type="number" aria-label="contention B" min={0} step="0.05" value={settings.contentionB} onChange={(e) => set("contentionB", Number(e.target.value))} />
        </label>{" "}
        <span className="muted">(× while the other lane is busy; a live run measures both{blocking !== null ? `, and found that lane ${blocking === 1 ? "B" : "A"}'s calls hold the server's event loop` : ""})</span>
      </fieldset>
      <p>
        <button type="button" onClick={simulateAll} disabled={run.running}>
          Simulate every policy
        </button>{" "}
        <button type="button" onClick={sweepThreshold} disabled={run.running}>
          Sweep the threshold
        </button>{" "}
        <button type="button" onClick={runLive} disabled={run.running || !profiles}>
          Run live on the server
        </button>{" "}
        {run.running && (
          <>
            <button type="button" onClick={run.stop}>
              Stop
            </button>{" "}
            <span role="status">{Object.values(run.progress).map((p) => `${Math.round((p?.fraction ?? 0) * 100)}% ${p?.message ?? ""}`).join("; ")}</span>
          </>
        )}
      </p>
      {message && (
        <p className="quiz-error" role="alert" data-testid="hybrid-message">
          {message}
        </p>
      )}
      {softwareNote && <p className="muted">A software GPU&apos;s times are the CPU&apos;s doing a GPU&apos;s work: they say nothing about a real GPU.</p>}
      {simulated && (
        <table className="result-table" data-testid="hybrid-simulated">
          <caption>Simulated, {SIM_REQUESTS.toLocaleString("en-US")} requests at {fmt(settings.rate)} requests/s</caption>
          <thead>
            <tr>
              <th scope="col">Policy</th>
              <th scope="col">Throughput (req/s)</th>
              <th scope="col">p50 (ms)</th>
              <th scope="col">p99 (ms)</th>
              <th scope="col">Utilisation A / B</th>
              <th scope="col">Requests on A / B</th>
              <th scope="col">$ per million items</th>
            </tr>
          </thead>
          <tbody>
            {simulated.map(({ policy, outcome }) => (
              <tr key={policy.kind} data-policy={policy.kind}>
                <th scope="row">{policyLabel(policy)}</th>
                <td data-field="throughput">{fmt(outcome.throughputPerSecond)}</td>
                <td data-field="p50">{fmt(outcome.latencyMs.p50)}</td>
                <td data-field="p99">{fmt(outcome.latencyMs.p99)}</td>
                <td>
                  {fmt(outcome.lanes[0].utilisation * 100)}% / {fmt(outcome.lanes[1].utilisation * 100)}%
                </td>
                <td>
                  {outcome.lanes[0].requests} / {outcome.lanes[1].requests}
                </td>
                <td>{fmt(outcome.dollarsPerMillion)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {sweep && chart && <PlotChart build={chart} label="Line chart of simulated p99 latency against the threshold N; the table below has the numbers." />}
      {sweep && (
        <table className="result-table" data-testid="hybrid-sweep">
          <caption>Size threshold swept in the simulation: requests of more than N items go to lane B</caption>
          <thead>
            <tr>
              <th scope="col">N</th>
              <th scope="col">p50 (ms)</th>
              <th scope="col">p99 (ms)</th>
              <th scope="col">Utilisation A / B</th>
            </tr>
          </thead>
          <tbody>
            {sweep.map(({ threshold, outcome }) => (
              <tr key={threshold}>
                <th scope="row">{threshold}</th>
                <td>{fmt(outcome.latencyMs.p50)}</td>
                <td>{fmt(outcome.latencyMs.p99)}</td>
                <td>
                  {fmt(outcome.lanes[0].utilisation * 100)}% / {fmt(outcome.lanes[1].utilisation * 100)}%
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {live && <Comparison live={live} />}
      {live && (
        <ResultActions
          name={`hybrid-${model}`}
          rows={(["live", "simulated"] as const).map((source) => {
            const o = source === "live" ? live.result.outcome : live.simulated;
            return { source, model, laneA, laneB, policy: policyLabel(live.result.policy), rate: live.result.workload.rate, requests: o.requests, throughput_per_s: o.throughputPerSecond, p50_ms: o.latencyMs.p50, p99_ms: o.latencyMs.p99, utilisation_a: o.lanes[0].utilisation, utilisation_b: o.lanes[1].utilisation, on_a: o.lanes[0].requests, on_b: o.lanes[1].requests };
          })}
          json={{ experiment: "hybrid-router", model, laneA, laneB, profiles, live: live.result, simulated: live.simulated, environment: pageEnvironment(probe) }}
          saved={saved}
        />
      )}
    </ExperimentFrame>
  );
}

function Comparison({ live }: { live: LiveRun }) {
  const measured = live.result.outcome;
  const sim = live.simulated;
  const rows: Array<[string, string, number, number]> = [
    ["throughput", "Throughput (req/s)", sim.throughputPerSecond, measured.throughputPerSecond],
    ["p50", "p50 (ms)", sim.latencyMs.p50, measured.latencyMs.p50],
    ["p99", "p99 (ms)", sim.latencyMs.p99, measured.latencyMs.p99],
    ["utilisation-a", "Utilisation of lane A", sim.lanes[0].utilisation, measured.lanes[0].utilisation],
    ["utilisation-b", "Utilisation of lane B", sim.lanes[1].utilisation, measured.lanes[1].utilisation],
    ["on-a", "Requests on lane A", sim.lanes[0].requests, measured.lanes[0].requests],
    ["on-b", "Requests on lane B", sim.lanes[1].requests, measured.lanes[1].requests],
  ];
  const c = live.result.contention;
  return (
    <>
      <table className="result-table" data-testid="hybrid-comparison">
        <caption>
          {policyLabel(live.result.policy)}, {measured.requests} requests at {fmt(live.result.workload.rate)}/s: simulated against measured on the server
        </caption>
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col">Simulated</th>
            <th scope="col">Measured live</th>
            <th scope="col">Difference</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([key, name, s, m]) => {
            const d = differencePercent(s, m);
            return (
              <tr key={key} data-figure={key}>
                <th scope="row">{name}</th>
                <td data-field="simulated">{fmt(s)}</td>
                <td data-field="measured">{fmt(m)}</td>
                <td data-field="difference">{d === null ? "—" : `${d >= 0 ? "+" : ""}${fmt(d)}%`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted" data-testid="hybrid-contention">
        {c
          ? `Measured before the run at batch ${c.batch}: lane A ${fmt(c.aloneMs[0])} ms a call alone, ${fmt(c.togetherMs[0])} ms beside lane B; lane B ${fmt(c.aloneMs[1])} ms alone, ${fmt(c.togetherMs[1])} ms beside lane A. ${c.blocking !== null ? `Lane ${c.blocking === 1 ? "B" : "A"}'s calls held the server's event loop ${fmt(c.heldShare[c.blocking] * 100)}% of the time, so nothing else on the server moves while one runs; the simulation models that.` : ""}`
          : "Contention was not measured in this run."}{" "}
        {c?.wakeUp ? `${wakeUpSentence(c.wakeUp)} ` : ""}
        {c?.beside && (c.beside[0] > 0 || c.beside[1] > 0) ? `Amid each other's traffic (${fmt(c.besideRates[0])} and ${fmt(c.besideRates[1])} requests/s), lane A's calls ran ${fmt(c.beside[0] * 100)}% slower and lane B's ${fmt(c.beside[1] * 100)}% slower, though they need not overlap: the lanes share cores and caches between calls too. ` : ""}
        {c?.timerLateMs ? `Batching deadlines: the server's timers fired ${fmt(c.timerLateMs[3]!)} ms late at the median, ${fmt(c.timerLateMs[7]!)} ms at p99. ` : ""}
        The simulation used these, and the sender&apos;s own lateness ({live.result.ownSenderLagMs ? `p50 ${fmt(live.result.ownSenderLagMs.p50)} ms` : "not measured"}), on the same schedule of arrivals.
      </p>
    </>
  );
}

/** The wake-up cost in one sentence: what a call costs after the longest idle measured, against back to back. */
function wakeUpSentence(wakeUp: NonNullable<HybridResult["contention"]>["wakeUp"]): string {
  const parts = wakeUp.flatMap((curves, l) =>
    curves.map((curve) => {
      const last = curve.points[curve.points.length - 1];
      return last ? `lane ${l === 0 ? "A" : "B"} at batch ${curve.batch}: ${fmt(curve.backToBackMs)} ms back to back, ${last.extraMs >= 0 ? "+" : ""}${fmt(last.extraMs)} ms after ${fmt(last.idleMs)} ms idle` : null;
    }),
  );
  const measured = parts.filter((p): p is string => p !== null);
  return measured.length > 0 ? `A call after its lane sat idle costs more than back to back (threads asleep, cores slowed down): ${measured.join("; ")}.` : "";
}

function sweepChart(points: Array<{ threshold: number; outcome: HybridOutcome }>) {
  return (Plot: PlotModule, width: number) =>
    Plot.plot({
      width,
      x: { label: "threshold N (items) →" },
      y: { label: "↑ simulated p99 (ms)", type: "log", grid: true, tickFormat: tickFormat() },
      marks: [Plot.line(points, { x: "threshold", y: (p: { outcome: HybridOutcome }) => Math.max(1e-3, p.outcome.latencyMs.p99), stroke: "#0b5cad" }), Plot.dot(points, { x: "threshold", y: (p: { outcome: HybridOutcome }) => Math.max(1e-3, p.outcome.latencyMs.p99), fill: "#0b5cad" })],
    });
}
