"use client";
import { useEffect, useState } from "react";
import { ADAPTER_REQUESTS, type AdapterListing, adapterName, type DistinctAdapter, distinctAdapters, type GpuLike, KEY_LIMITS, listAdapters, webgpuMissingReason } from "@/lib/browser/adapters";
import { DEFAULT_MEASURE, type MeasureOptions } from "@/lib/inference/stats";
import type { WireDevices } from "@/lib/inference/wire";
import { getModel } from "@/lib/models/registry";
import { errorText } from "./api";
import { ExperimentFrame } from "./components/frame";
import { deviceLabel } from "./components/lane-group-row";
import { ResultActions } from "./components/result-actions";
import { BrowserEnvironmentNote, TimerNote } from "./components/result-notes";
import { LaneRunControls } from "./components/run-controls";
import { fmt, fmtMs, plural } from "./format";
import { type Measure, useLaneRuns } from "./hooks/lane-runs";
import type { LaneKey, LaneOutcome, LaneResult } from "./lanes";
import { laneRecord, pageEnvironment, resultRows } from "./records";
import { runLanes } from "./run-lanes";

export interface DeviceSelectionExperimentProps {
  model?: string;
  batch?: number;
  title?: string;
}

/** One run of the comparison: a lane result, and for WebGPU the adapter it was pinned to. */
export type DeviceRun = LaneResult & { adapter: { number: number; requests: string[] } | null };

type AdapterState = { state: "checking" } | { state: "missing"; reason: string } | { state: "listed"; listings: AdapterListing[]; distinct: DistinctAdapter[] };

const LANES: LaneKey[] = ["browser-webgpu", "browser-wasm"];

function useAdapters(): AdapterState {
  const [state, setState] = useState<AdapterState>({ state: "checking" });
  useEffect(() => {
    let live = true;
    const missing = webgpuMissingReason(globalThis);
    const listing: Promise<AdapterState> = missing ? Promise.resolve({ state: "missing", reason: missing }) : listAdapters((navigator as unknown as { gpu: GpuLike }).gpu).then((listings) => ({ state: "listed", listings, distinct: distinctAdapters(listings) }));
    void listing.then((next) => live && setState(next));
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/**
 * Which device runs the model: every adapter the browser offers for each
 * requestAdapter() option, the same model timed on each distinct adapter and
 * on WASM, and how the server's lanes choose theirs.
 */
export function DeviceSelectionExperiment({ model = "digits-mlp", batch = 1, title }: DeviceSelectionExperimentProps) {
  const spec = getModel(model);
  const adapters = useAdapters();
  const measure: MeasureOptions = DEFAULT_MEASURE;
  const plan = { modelId: model, batches: [batch], measure, flopsPerItem: spec?.flopsPerItem };
  const distinct = adapters.state === "listed" ? adapters.distinct : [];

  const measureDevices: Measure<DeviceRun> = async (chosen, ctx) => {
    const outcomes: Array<LaneOutcome<DeviceRun>> = [];
    for (const key of chosen) {
      // One run per distinct adapter, each reached again in its own worker by the first request that found it.
      const targets: Array<DistinctAdapter | null> = key === "browser-webgpu" ? distinct : [null];
      for (const target of targets) {
        if (ctx.signal.aborted) return null;
        const [outcome] = await runLanes([key], target ? { ...plan, adapter: target.requests[0]!.options } : plan, ctx.probe, (k, f, m) => ctx.onProgress(k, f, target ? `adapter ${target.number}: ${m}` : m), ctx.signal, ctx.runtime);
        if (!outcome) return null;
        const adapter = target ? { number: target.number, requests: target.requests.map((r) => r.id) } : null;
        outcomes.push(outcome.ok ? { ...outcome, result: { ...outcome.result, title: target ? `${outcome.result.title}, adapter ${target.number}` : outcome.result.title, adapter } } : outcome);
        ctx.show([...outcomes]);
      }
    }
    return outcomes;
  };

  const runs = useLaneRuns<DeviceRun>({
    model,
    lanes: LANES,
    initialLanes: LANES,
    experiment: "device-selection",
    measure: measureDevices,
    record: (r) => laneRecord(model, r, { output: undefined, adapter: r.adapter }),
  });
  const { probe, results, saved } = runs;
  if (!spec) return <p className="quiz-error">DeviceSelectionExperiment: unknown model “{model}”.</p>;

  return (
    <ExperimentFrame title={title ?? `Which device runs ${spec.title}?`} kind="device-selection">
      <h4>What your browser offers</h4>
      <AdapterTable adapters={adapters} />
      <p className="muted">
        Each distinct adapter gets a GPUDevice of its own, handed to onnxruntime-web&apos;s WebGPU execution provider through its <code>device</code> option, so the run happens on that adapter; WASM runs the same model on your CPU. Batch {batch}, the server engine&apos;s measuring rules ({plural(measure.warmupRuns, "untimed run")} of warm-up, at least {plural(measure.minRuns, "sample")}).
      </p>
      <LaneRunControls lanes={LANES} runs={runs} />
      {results.length > 0 && (
        <>
          <table className="result-table" data-testid="device-results">
            <caption>Steady-state latency of {spec.title}, batch {batch}, per device (ms)</caption>
            <thead>
              <tr>
                <th scope="col">Run and device</th>
                <th scope="col">Samples</th>
                <th scope="col">p50 (ms)</th>
                <th scope="col">p50 95% CI</th>
                <th scope="col">p90 / p99</th>
                <th scope="col">First run (ms)</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r, index) => {
                const s = r.points[0]!.latencyMs;
                const tick = r.timer?.resolutionMs ?? null;
                return (
                  <tr key={`${r.key}-${index}`} data-lane={r.key} data-adapter={r.adapter?.number ?? ""} data-software={String(r.software)} data-device-owner={String(r.environment.deviceOwner ?? "")}>
                    <th scope="row">
                      {r.title}
                      <span className="cell-note" data-field="device">
                        {deviceLabel(r)}
                      </span>
                      {r.environment.deviceOwner === "onnxruntime" && <span className="cell-note quiz-error">onnxruntime-web did not use the device made from this adapter, so this row may be another adapter&apos;s</span>}
                    </th>
                    <td data-label="Samples">{s.n.toLocaleString("en-US")}</td>
                    <td data-label="p50 (ms)" data-field="p50">
                      {fmtMs(s.p50, tick)}
                    </td>
                    <td data-label="p50 95% CI">{s.medianCi95 ? `${fmtMs(s.medianCi95.low, tick)}–${fmtMs(s.medianCi95.high, tick)}` : "—"}</td>
                    <td data-label="p90 / p99">
                      {fmtMs(s.p90, tick)} / {fmtMs(s.p99, tick)}
                    </td>
                    <td data-label="First run (ms)">{fmtMs(r.phases.firstRunMs, tick)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <DeviceVerdict results={results} />
          <TimerNote results={results} />
          <BrowserEnvironmentNote results={results} />
          <ResultActions name={`device-selection-${model}`} rows={resultRows("device-selection", model, results).map((row, i) => ({ ...row, adapter: results[i]?.adapter?.number ?? null }))} json={{ experiment: "device-selection", model, batch, measure, adapters: adapters.state === "listed" ? adapters.listings : adapters, environment: pageEnvironment(probe), results: results.map((r) => ({ ...r, output: undefined })) }} saved={saved} />
        </>
      )}
      <h4>How the server picks its devices</h4>
      <ServerDevicesPanel />
    </ExperimentFrame>
  );
}

/** One sentence on what the runs show: a software adapter is not GPU speed. */
function DeviceVerdict({ results }: { results: DeviceRun[] }) {
  const wasm = results.find((r) => r.key === "browser-wasm");
  const gpus = results.filter((r) => r.key === "browser-webgpu");
  if (!wasm || gpus.length === 0) return null;
  const base = wasm.points[0]!.latencyMs.p50;
  return (
    <ul data-testid="device-verdict">
      {gpus.map((g) => {
        const p50 = g.points[0]!.latencyMs.p50;
        const ratio = p50 / base;
        const kind = g.software ? "a software GPU (the CPU running GPU code)" : g.softwareUnknown ? "an adapter that did not say whether it is hardware" : "a hardware GPU";
        return (
          <li key={g.adapter?.number ?? 0}>
            Adapter {g.adapter?.number} is {kind}: its p50 is {fmt(ratio)}× WASM&apos;s ({fmt(p50)} ms against {fmt(base)} ms).
          </li>
        );
      })}
    </ul>
  );
}

function AdapterTable({ adapters }: { adapters: AdapterState }) {
  if (adapters.state === "checking") return <p role="status">Asking your browser for its GPU adapters…</p>;
  if (adapters.state === "missing")
    return (
      <p className="callout" data-testid="webgpu-missing">
        {adapters.reason} The WASM run below still works.
      </p>
    );
  const { listings, distinct } = adapters;
  return (
    <>
      <table className="result-table" data-testid="adapter-table">
        <caption>
          {ADAPTER_REQUESTS.length} requests, {plural(distinct.length, "distinct adapter")}
        </caption>
        <thead>
          <tr>
            <th scope="col">Request</th>
            <th scope="col">Adapter</th>
            <th scope="col">Vendor / architecture / device</th>
            <th scope="col">Description</th>
            <th scope="col">isFallbackAdapter</th>
            <th scope="col">Hardware or software</th>
          </tr>
        </thead>
        <tbody>
          {listings.map((l) => {
            const number = distinct.find((d) => d.identity === l.adapter?.identity)?.number;
            const a = l.adapter;
            return (
              <tr key={l.request.id} data-request={l.request.id} data-adapter={number ?? ""} data-software={a ? String(a.software.software) : ""}>
                <th scope="row">
                  <code>{l.request.label}</code>
                </th>
                {a ? (
                  <>
                    <td data-label="Adapter">{number}</td>
                    <td data-label="Vendor / architecture / device">{[a.info.vendor || "—", a.info.architecture || "—", a.info.device || "—"].join(" / ")}</td>
                    <td data-label="Description">{a.info.description || "—"}</td>
                    <td data-label="isFallbackAdapter">{a.info.isFallbackAdapter === null ? "not reported" : String(a.info.isFallbackAdapter)}</td>
                    <td data-label="Hardware or software" data-field="kind">
                      {a.software.software === true ? <strong>software GPU</strong> : a.software.software === false ? "hardware GPU" : "unknown"}
                      {a.software.why && <span className="cell-note">{a.software.why}</span>}
                    </td>
                  </>
                ) : (
                  <td colSpan={5} data-label="Adapter">
                    none: {l.reason}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {distinct.length > 0 && (
        <details data-testid="adapter-limits">
          <summary>Key limits of each distinct adapter</summary>
          <table className="result-table">
            <caption>What a model must fit into on each adapter</caption>
            <thead>
              <tr>
                <th scope="col">Limit</th>
                {distinct.map((d) => (
                  <th scope="col" key={d.number}>
                    Adapter {d.number}: {adapterName(d.adapter.info)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {KEY_LIMITS.map((name) => (
                <tr key={name}>
                  <th scope="row">
                    <code>{name}</code>
                  </th>
                  {distinct.map((d) => (
                    <td key={d.number}>{d.adapter.limits[name]?.toLocaleString("en-US") ?? "—"}</td>
                  ))}
                </tr>
              ))}
              <tr>
                <th scope="row">Features onnxruntime-web can use</th>
                {distinct.map((d) => (
                  <td key={d.number}>{d.adapter.features.join(", ") || "none"}</td>
                ))}
              </tr>
            </tbody>
          </table>
        </details>
      )}
    </>
  );
}

function ServerDevicesPanel() {
  const [state, setState] = useState<{ devices: WireDevices } | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    fetch("/api/devices").then(
      async (r) => live && setState(r.ok ? { devices: (await r.json()) as WireDevices } : { error: await errorText(r) }),
      (e: unknown) => live && setState({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, []);
  if (!state) return <p role="status">Asking the server how its lanes choose their devices (the CUDA probe can take a few seconds)…</p>;
  if ("error" in state) return <p className="quiz-error">The server could not be asked about its devices: {state.error}</p>;
  const { lanes, cuda, v2Lane } = state.devices;
  return (
    <div data-testid="server-devices">
      <table className="result-table" data-testid="server-lanes">
        <caption>Each server lane: its execution provider, its device and what selects it</caption>
        <thead>
          <tr>
            <th scope="col">Lane</th>
            <th scope="col">Execution provider</th>
            <th scope="col">Device</th>
            <th scope="col">Selected by</th>
          </tr>
        </thead>
        <tbody>
          {lanes.map((l) => (
            <tr key={l.lane} data-lane={l.lane} data-available={String(l.available)}>
              <th scope="row">{l.title}</th>
              <td data-label="Execution provider">{l.executionProvider ? <code>{l.executionProvider}</code> : "none in this process"}</td>
              <td data-label="Device">
                {l.available ? (l.device ?? "unknown") : `unavailable: ${l.reason ?? "no reason given"}`}
                {l.software === true && <strong> (software GPU)</strong>}
              </td>
              <td data-label="Selected by">
                {l.selection}
                {l.variables.length > 0 && (
                  <ul>
                    {l.variables.map((v) => (
                      <li key={v.name}>
                        <code>{v.name}</code> = {v.value === null ? <em>unset</em> : <code>{JSON.stringify(v.value)}</code>}: {v.effect}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        This server&apos;s <code>/v2</code> endpoints run on the <code>{v2Lane}</code> lane (<code>V2_LANE</code>).
      </p>
      <table className="result-table" data-testid="cuda-probe" data-can-run={String(cuda.canRun)}>
        <caption>
          <code>CUDA_VISIBLE_DEVICES</code>: what each value exposes, by NVIDIA&apos;s rule{cuda.canRun ? ", and what a child process's CUDA runtime saw" : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col">Value</th>
            <th scope="col">NVIDIA&apos;s rule says</th>
            <th scope="col">The runtime saw</th>
          </tr>
        </thead>
        <tbody>
          {cuda.rows.map((row) => (
            <tr key={row.value ?? "(unset)"}>
              <th scope="row">{row.value === null ? <em>unset</em> : <code>{JSON.stringify(row.value)}</code>}</th>
              <td data-label="NVIDIA's rule says">{row.rule.summary}</td>
              <td data-label="The runtime saw">{row.observed === null ? "not probed (see below)" : "error" in row.observed ? `error: ${row.observed.error}` : `${plural(row.observed.deviceCount, "device")}${row.observed.devices.length ? `: ${row.observed.devices.join(", ")}` : ""} (${row.observed.via})`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!cuda.canRun && (
        <p className="callout" data-testid="cuda-probe-reason">
          The CUDA probe cannot run on this server: {cuda.reason}
        </p>
      )}
      <ul className="muted" data-testid="cuda-checks">
        {cuda.checks.map((c) => (
          <li key={c.name} data-ok={String(c.ok)}>
            {c.ok ? "✓" : "✗"} {c.name}: {c.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}
