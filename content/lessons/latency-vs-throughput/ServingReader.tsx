"use client";
import { useId, useRef, useState } from "react";
import { cellNumber, quote, siblingExperiment } from "../../shared/read-table";

interface Row {
  clients: number;
  throughput: number;
  p50: number;
  p99: number;
  /** Mean latency (ms) from the stored result; the table shows only percentiles. */
  mean: number | null;
}

interface StoredServing {
  result?: { lane?: string; results?: { points?: Array<{ concurrency?: number; latencyMs?: { mean?: number } }> } };
}

/** Mean latency per concurrency, from the run's stored result (its permalink): Little's law needs the mean. */
async function storedMeans(section: Element | null): Promise<Map<number, number>> {
  const href = section?.querySelector("a.permalink")?.getAttribute("href");
  const id = href?.split("/").pop();
  const means = new Map<number, number>();
  if (!id) return means;
  try {
    const response = await fetch(`/api/experiment-results/${encodeURIComponent(id)}`);
    if (!response.ok) return means;
    const body = (await response.json()) as StoredServing & { group?: StoredServing["result"][] };
    const lanes = [body.result, ...(body.group ?? [])].filter((r) => r?.lane === "server-cpu");
    for (const point of lanes[0]?.results?.points ?? []) {
      if (typeof point.concurrency === "number" && typeof point.latencyMs?.mean === "number") means.set(point.concurrency, point.latencyMs.mean);
    }
  } catch {
    // No stored copy (not saved, or offline): the reader shows the table's figures alone.
  }
  return means;
}

/** The server-CPU rows of the serving experiment above, as the learner's run printed them. */
function readRows(section: Element | null): Row[] {
  if (!section) return [];
  return [...section.querySelectorAll('[data-testid="serving-table"] tr[data-lane="server-cpu"][data-concurrency]')].flatMap((tr) => {
    const clients = Number(tr.getAttribute("data-concurrency"));
    const throughput = cellNumber(tr.querySelector('[data-field="throughput"]'));
    const p50 = cellNumber(tr.querySelector('td[data-label="p50 (ms)"]'));
    const p99 = cellNumber(tr.querySelector('[data-field="p99"]'));
    return Number.isFinite(clients) && throughput !== null && p50 !== null && p99 !== null ? [{ clients, throughput, p50, p99, mean: null }] : [];
  });
}

/**
 * Little's law and the latency budget applied to the learner's own serving run:
 * in a closed loop N clients keep exactly N requests in the system, so
 * throughput × mean latency should come back as N.
 */
export function ServingReader() {
  const root = useRef<HTMLElement>(null);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [budget, setBudget] = useState("");
  const headingId = useId();
  const read = async () => {
    const section = siblingExperiment(root.current, "serving", "previous");
    const table = readRows(section);
    const means = await storedMeans(section);
    setRows(table.map((r) => ({ ...r, mean: means.get(r.clients) ?? null })));
  };
  const budgetMs = Number(budget);
  const within = rows && budget !== "" && budgetMs > 0 ? rows.filter((r) => r.p99 <= budgetMs) : null;
  const best = within && within.length > 0 ? within.reduce((a, b) => (b.throughput > a.throughput ? b : a)) : null;
  const peak = rows && rows.length > 0 ? rows.reduce((a, b) => (b.throughput > a.throughput ? b : a)) : null;

  return (
    <section className="panel" aria-labelledby={headingId} ref={root} data-testid="serving-reader">
      <p id={headingId}>
        <strong>Your numbers, read for you.</strong> After the serving run above has finished on the Server CPU lane, read its table here.{" "}
        <button type="button" onClick={() => void read()}>
          Read my serving run
        </button>
      </p>
      {rows !== null && rows.length === 0 && <p role="status">No server-CPU serving result on this page yet: run the experiment above first.</p>}
      {rows !== null && rows.length > 0 && (
        <>
          <table className="result-table" data-testid="littles-law-table">
            <caption>Little&apos;s law on your run: requests in the system (clients) against throughput × latency</caption>
            <thead>
              <tr>
                <th scope="col">Clients N</th>
                <th scope="col">Throughput X (req/s)</th>
                <th scope="col">Mean latency W (ms)</th>
                <th scope="col">X × mean W</th>
                <th scope="col">p50 (ms)</th>
                <th scope="col">X × p50</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.clients} data-concurrency={r.clients}>
                  <th scope="row">{r.clients}</th>
                  <td>{quote(r.throughput)}</td>
                  <td>{r.mean === null ? "—" : quote(r.mean)}</td>
                  <td data-field="little-mean">{r.mean === null ? "—" : quote((r.throughput * r.mean) / 1000)}</td>
                  <td>{quote(r.p50)}</td>
                  <td data-field="little-p50">{quote((r.throughput * r.p50) / 1000)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            With the <strong>mean</strong> latency, each row should give back its number of clients: that is Little&apos;s law, and a closed loop keeps exactly N requests
            inside. With the <strong>median</strong> it can fall far short. Whenever a few calls take much longer than the typical one (on a busy or shared machine, a
            descheduled thread can stretch a call many times over), those few pull the mean far above the median, and the law is about the mean.
            {rows.some((r) => r.mean === null) && " (The mean comes from your run's stored result; it was not available, so only the median columns are filled.)"} Your peak
            was {quote(peak!.throughput)} requests/s, with {peak!.clients} client{peak!.clients === 1 ? "" : "s"} and a p99 of {quote(peak!.p99)} ms.
          </p>
          <p>
            <label>
              Your p99 budget (ms){" "}
              <input type="number" min={0} step="any" value={budget} onChange={(e) => setBudget(e.target.value)} style={{ width: "7rem" }} />
            </label>
          </p>
          {within !== null && (
            <p data-testid="budget-answer" aria-live="polite">
              {best
                ? `Within a p99 of ${quote(budgetMs)} ms your run sustained at most ${quote(best.throughput)} requests/s (at ${best.clients} client${best.clients === 1 ? "" : "s"}, p99 ${quote(best.p99)} ms). That, not the peak, is the capacity you can promise.`
                : `None of your load levels kept p99 within ${quote(budgetMs)} ms: even one client at a time was slower. Either the budget is too tight for this lane, or the model needs a faster one.`}
            </p>
          )}
        </>
      )}
    </section>
  );
}
