import { cellNumber } from "./read-table";

export interface SweepRow {
  batch: number;
  /** items per second */
  throughput: number;
  /** median and 99th-percentile time of one whole batch, ms */
  p50: number;
  p99: number;
  knee: boolean;
}

/** One lane's rows of a batch sweep's result table, as the learner's run printed them. */
export function sweepRows(section: Element | null, lane = "server-cpu"): SweepRow[] {
  if (!section) return [];
  return [...section.querySelectorAll(`[data-testid="sweep-table"] tr[data-lane="${lane}"][data-batch]`)].flatMap((tr) => {
    const batch = Number(tr.getAttribute("data-batch"));
    const throughput = cellNumber(tr.querySelector('[data-field="throughput"]'));
    const p50 = cellNumber(tr.querySelector('[data-field="p50"]'));
    const p99 = cellNumber(tr.querySelector('[data-field="p99"]'));
    const knee = tr.getAttribute("data-knee") === "true";
    return Number.isFinite(batch) && throughput !== null && p50 !== null && p99 !== null ? [{ batch, throughput, p50, p99, knee }] : [];
  });
}
