"use client";
import { useCallback, useEffect, useState } from "react";
import { DEFAULT_LANE_PRICES, type LanePrice } from "@/lib/inference/prices";
import { STORED_LANE_TITLES, type StoredLane } from "@/lib/lanes";
import { getModel } from "@/lib/models/registry";
import { errorText } from "./api";
import { ExperimentFrame } from "./components/frame";
import { RunProgress } from "./components/run-controls";
import { useLabContext } from "./hooks/lab-context";
import { useLaneRuns } from "./hooks/lane-runs";
import { laneRecord } from "./records";
import type { MissingMeasurement, Recommendation } from "./recommend";
import { RecommendationAnswer } from "./recommendation-view";
import { kneeOf, SWEEP_MEASURE, sweepBatches } from "./sweep";

export interface RecommendationExperimentProps {
  /** The model selected first. */
  model?: string;
  models?: string[];
  p99TargetMs?: number;
  requestsPerSecond?: number;
  busyHoursPerDay?: number;
  billedHoursPerDay?: number;
  /** Lanes (stored names) the recommendation considers. */
  lanes?: StoredLane[];
  /** Largest batch a missing-measurement sweep runs. */
  maxBatch?: number;
  title?: string;
}

const DEFAULT_LANES: StoredLane[] = ["server-cpu", "server-webgpu", "server-cuda", "browser-wasm", "browser-webgpu"];

type Answer = { state: "idle" } | { state: "asking" } | { state: "failed"; message: string } | { state: "done"; recommendation: Recommendation; url: string | null };

/** Prices as the form holds them: text, so a half-typed number is the learner's to finish, and the server names what is wrong. */
type PriceText = Record<string, { dollarsPerHour: string; watts: string }>;

function initialPrices(lanes: StoredLane[]): PriceText {
  return Object.fromEntries(lanes.map((lane) => {
    const cited = (DEFAULT_LANE_PRICES as Partial<Record<string, LanePrice>>)[lane];
    return [lane, { dollarsPerHour: cited ? String(cited.dollarsPerHour) : "", watts: cited ? String(cited.watts) : "" }];
  }));
}

export function RecommendationExperiment({ model: initialModel = "digits-mlp", models = ["digits-mlp", "digits-cnn", "mlp-wide"], p99TargetMs = 20, requestsPerSecond = 200, busyHoursPerDay = 8, billedHoursPerDay = 24, lanes = DEFAULT_LANES, maxBatch = 64, title }: RecommendationExperimentProps) {
  const { lessonSlug } = useLabContext();
  const [model, setModel] = useState(initialModel);
  const [target, setTarget] = useState(String(p99TargetMs));
  const [rate, setRate] = useState(String(requestsPerSecond));
  const [busy, setBusy] = useState(String(busyHoursPerDay));
  const [billed, setBilled] = useState(String(billedHoursPerDay));
  const [prices, setPrices] = useState<PriceText>(() => initialPrices(lanes));
  const [answer, setAnswer] = useState<Answer>({ state: "idle" });
  const choices = [...new Set([initialModel, ...models])].filter((id) => getModel(id));

  const ask = useCallback(async () => {
    setAnswer({ state: "asking" });
    // Empty price fields are left out (a lane without a cited default then says it has no price); anything typed goes as typed.
    const priced = Object.fromEntries(Object.entries(prices).filter(([, p]) => p.dollarsPerHour.trim() !== "" || p.watts.trim() !== "").map(([lane, p]) => [lane, { dollarsPerHour: Number(p.dollarsPerHour), watts: Number(p.watts) }]));
    try {
      const response = await fetch("/api/recommendation", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ lessonSlug, model, p99TargetMs: Number(target), requestsPerSecond: Number(rate), busyHoursPerDay: Number(busy), billedHoursPerDay: Number(billed), prices: priced, lanes }),
      });
      if (!response.ok) {
        setAnswer({ state: "failed", message: await errorText(response) });
        return;
      }
      const body = (await response.json()) as { recommendation: Recommendation; url: string | null };
      setAnswer({ state: "done", recommendation: body.recommendation, url: body.url });
    } catch (error) {
      setAnswer({ state: "failed", message: error instanceof Error ? error.message : String(error) });
    }
  }, [lessonSlug, model, target, rate, busy, billed, prices, lanes]);

  const spec = getModel(model);
  if (!spec) return <p className="quiz-error">RecommendationExperiment: unknown model “{model}”.</p>;
  const sweep = sweepBatches(Math.min(maxBatch, spec.batchAxis ? spec.maxBatch : 1));

  return (
    <ExperimentFrame title={title ?? "Which hardware for this workload? A recommendation from your own runs"} kind="recommendation">
      <p className="muted">
        Describe a workload. The server reads your stored runs of the model (and, marked as such, your class&apos;s devices and its own reference benchmarks), checks each lane against the p99 target at that request rate, and prices the ones that meet it. Prices start from the cost lesson&apos;s cited defaults; edit them.
      </p>
      <form
        className="experiment-controls"
        onSubmit={(e) => {
          e.preventDefault();
          void ask();
        }}
      >
        <label>
          Model{" "}
          <select value={model} onChange={(e) => setModel(e.target.value)}>
            {choices.map((id) => (
              <option key={id} value={id}>
                {getModel(id)!.title}
              </option>
            ))}
          </select>
        </label>{" "}
        <label>
          p99 target (ms) <input type="number" step="any" name="p99TargetMs" value={target} onChange={(e) => setTarget(e.target.value)} />
        </label>{" "}
        <label>
          Requests per second <input type="number" step="any" name="requestsPerSecond" value={rate} onChange={(e) => setRate(e.target.value)} />
        </label>{" "}
        <label>
          Busy hours a day <input type="number" step="any" name="busyHoursPerDay" value={busy} onChange={(e) => setBusy(e.target.value)} />
        </label>{" "}
        <label>
          Billed hours a day <input type="number" step="any" name="billedHoursPerDay" value={billed} onChange={(e) => setBilled(e.target.value)} />
        </label>
        <table className="result-table">
          <caption>Assumed price ($/hour) and power (W) per lane; a lane without a price cannot be recommended</caption>
          <thead>
            <tr>
              <th scope="col">Lane</th>
              <th scope="col">$/hour</th>
              <th scope="col">Watts</th>
            </tr>
          </thead>
          <tbody>
            {lanes.map((lane) => (
              <tr key={lane}>
                <th scope="row">{STORED_LANE_TITLES[lane]}</th>
                <td data-label="$/hour">
                  <input type="number" step="any" aria-label={`${lane} dollars per hour`} value={prices[lane]?.dollarsPerHour ?? ""} onChange={(e) => setPrices((p) => ({ ...p, [lane]: { dollarsPerHour: e.target.value, watts: p[lane]?.watts ?? "" } }))} />
                </td>
                <td data-label="Watts">
                  <input type="number" step="any" aria-label={`${lane} watts`} value={prices[lane]?.watts ?? ""} onChange={(e) => setPrices((p) => ({ ...p, [lane]: { dollarsPerHour: p[lane]?.dollarsPerHour ?? "", watts: e.target.value } }))} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="submit" className="primary" disabled={answer.state === "asking"}>
          Recommend
        </button>
      </form>
      {answer.state === "asking" && <p role="status">Reading your stored runs…</p>}
      {answer.state === "failed" && (
        <p role="alert" className="quiz-error">
          {answer.message}
        </p>
      )}
      {answer.state === "done" && (
        <>
          <RecommendationAnswer recommendation={answer.recommendation} missingAction={(m) => <MeasureMissing key={`${m.lane}-${m.kind}`} missing={m} model={model} batches={sweep} onMeasured={ask} />} />
          {answer.url ? (
            <p>
              Stored: <a href={answer.url}>{answer.url}</a>
            </p>
          ) : (
            <p className="muted">Nothing to store yet: no lane has a measurement of this model.</p>
          )}
        </>
      )}
    </ExperimentFrame>
  );
}

/** Runs the missing measurement (a batch sweep from batch 1 on that lane), stores it like the batch sweep does, then asks again. */
function MeasureMissing({ missing, model, batches, onMeasured }: { missing: MissingMeasurement; model: string; batches: number[]; onMeasured: () => Promise<void> }) {
  const spec = getModel(model);
  const runs = useLaneRuns({
    model,
    lanes: [missing.runLane],
    initialLanes: [missing.runLane],
    experiment: "batch-sweep",
    plan: () => ({ modelId: model, batches, measure: SWEEP_MEASURE, flopsPerItem: spec?.flopsPerItem }),
    record: (r) => {
      const knee = kneeOf(r.points);
      const best = r.points.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a), r.points[0]!);
      return { ...laneRecord(model, r, { output: undefined, kneeBatch: knee?.batch ?? null }, false), figures: { bestBatch: best.batch, ...(knee ? { kneeBatch: knee.batch } : {}) } };
    },
  });
  const status = runs.laneStatus(missing.runLane);
  const { saved } = runs;
  useEffect(() => {
    if (saved.state === "saved") void onMeasured();
    // Only a new save asks again; onMeasured changes with every form edit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saved]);
  if (!status.available) return <span className="muted">(Cannot run here: {status.reason})</span>;
  return (
    <span className="measure-missing" data-run-lane={missing.runLane}>
      <button type="button" onClick={() => void runs.start()} disabled={runs.run.running}>
        Run a batch sweep ({batches.join(", ")}) on {STORED_LANE_TITLES[missing.lane]}
      </button>
      {runs.run.running && (
        <button type="button" onClick={runs.run.stop}>
          Stop
        </button>
      )}
      <RunProgress progress={runs.run.progress} />
      {saved.state === "failed" && <span role="alert"> Not stored: {saved.message}</span>}
    </span>
  );
}
