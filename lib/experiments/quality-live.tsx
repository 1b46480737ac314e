"use client";
import { scoreInBrowser } from "@/lib/browser/quality";
import type { BrowserProbe } from "@/lib/browser/probe";
import type { QualityResult } from "@/lib/inference/quality";
import { isServerLaneKey, LANES, type LaneKey, LANE_TITLES, serverLaneIdOf } from "@/lib/lanes";
import { getModel } from "@/lib/models/registry";
import { errorText } from "./api";
import { fmt } from "./format";
import { LaneGroupRow } from "./components/lane-group-row";

export type QualityOutcome = { key: LaneKey; model: string; ok: true; result: QualityResult } | { key: LaneKey; model: string; ok: false; message: string };

/**
 * Scores int8 variants against their base on one lane, in this run: the server
 * scores server lanes (POST /api/quality), the learner's browser its own lanes.
 */
export async function scoreOnLane(key: LaneKey, variantIds: string[], probe: BrowserProbe | null, onProgress: (fraction: number, message: string) => void, signal: AbortSignal): Promise<QualityOutcome[]> {
  const failed = (message: string) => variantIds.map((model): QualityOutcome => ({ key, model, ok: false, message }));
  try {
    if (!isServerLaneKey(key)) {
      const lane = LANES[key];
      const results = await scoreInBrowser(lane.id as "wasm" | "webgpu", variantIds, lane.threads ? (probe?.wasmThreads ?? 1) : 1, onProgress, signal);
      return results.map((result) => ({ key, model: result.model, ok: true, result }));
    }
    const outcomes: QualityOutcome[] = [];
    for (const [index, model] of variantIds.entries()) {
      onProgress(index / variantIds.length, `${model}: scoring on held-out data`);
      const response = await fetch("/api/quality", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, lane: serverLaneIdOf(key) }), signal });
      outcomes.push(response.ok ? { key, model, ok: true, result: (await response.json()) as QualityResult } : { key, model, ok: false, message: await errorText(response) });
    }
    return outcomes;
  } catch (error) {
    if (signal.aborted) throw error;
    return failed(error instanceof Error ? error.message : String(error));
  }
}

const metricText = (m: QualityResult["metric"] | null) => (m ? `${m.name} ${fmt(m.value, 4)}` : "—");

/** Quality measured in this run beside the stored evaluation (npm run models:eval), lane by lane. */
export function LiveQualityTable({ outcomes }: { outcomes: QualityOutcome[] }) {
  const lanes = [...new Set(outcomes.map((o) => o.key))];
  return (
    <table className="result-table" data-testid="quality-table">
      <caption>int8 quality measured now on held-out data, against fp32 on the same lane, beside the stored evaluation</caption>
      <thead>
        <tr>
          <th scope="col">Variant</th>
          <th scope="col">Measured now</th>
          <th scope="col">fp32 now</th>
          <th scope="col">Stored evaluation</th>
          <th scope="col">Samples</th>
        </tr>
      </thead>
      {lanes.map((key) => {
        const rows = outcomes.filter((o) => o.key === key);
        const first = rows.find((o) => o.ok);
        const device = first?.ok ? `${first.result.device ?? "unknown device"}${first.result.software ? " (software GPU)" : ""}` : "";
        return (
          <tbody key={key} data-lane={key}>
            <LaneGroupRow title={LANE_TITLES[key]} device={device} colSpan={5} />
            {rows.map((o) => (
              <tr key={o.model} data-lane={key} data-variant={getModel(o.model)?.variant}>
                <th scope="row">{getModel(o.model)?.variant ?? o.model}</th>
                {o.ok ? (
                  <>
                    <td data-label="Measured now" data-field="quality-now">{metricText(o.result.metric)}</td>
                    <td data-label="fp32 now" data-field="baseline-now">{o.result.metric.baseline !== undefined ? fmt(o.result.metric.baseline, 4) : "is the reference"}</td>
                    <td data-label="Stored evaluation" data-field="quality-stored">{metricText(o.result.reference)}</td>
                    <td data-label="Samples">{o.result.metric.samples.toLocaleString("en-US")}</td>
                  </>
                ) : (
                  <td colSpan={4} data-field="quality-error">
                    could not score: {o.message}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        );
      })}
    </table>
  );
}
