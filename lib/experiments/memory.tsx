"use client";
import { useEffect, useState } from "react";
import { type ActivationFootprint, batchMemory } from "@/lib/inference/memory";
import type { WireModelMemory } from "@/lib/inference/wire";
import type { ModelSpec } from "@/lib/models/registry";
import { fmtMB } from "./format";
import { errorText } from "./api";

/** The model's activation footprint as the server measured it; null while asking, an error's words if it could not. */
export function useModelMemory(model: string): { footprint: (ActivationFootprint & { method: string }) | null; error: string | null } {
  const [state, setState] = useState<{ model: string; footprint: WireModelMemory | null; error: string | null }>({ model, footprint: null, error: null });
  useEffect(() => {
    let live = true;
    fetch(`/api/model-memory?model=${encodeURIComponent(model)}`).then(
      async (r) => {
        if (!live) return;
        if (r.ok) setState({ model, footprint: (await r.json()) as WireModelMemory, error: null });
        else setState({ model, footprint: null, error: await errorText(r) });
      },
      (e: unknown) => live && setState({ model, footprint: null, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [model]);
  return state.model === model ? { footprint: state.footprint, error: state.error } : { footprint: null, error: null };
}

/** What each batch of the sweep needs in memory, from the model's tensor shapes and its measured activation footprint. */
export function MemoryTable({ spec, batches, footprint, error }: { spec: ModelSpec; batches: number[]; footprint: (ActivationFootprint & { method: string }) | null; error: string | null }) {
  return (
    <table className="result-table" data-testid="memory-table">
      <caption>Memory one call needs at each batch (MB): inputs and outputs from the model&apos;s shapes, activations measured on the server</caption>
      <thead>
        <tr>
          <th scope="col">Batch</th>
          <th scope="col">Input</th>
          <th scope="col">Output</th>
          <th scope="col">Activations</th>
          <th scope="col">Weights</th>
          <th scope="col">Total</th>
        </tr>
      </thead>
      <tbody>
        {batches.map((batch) => {
          const m = batchMemory(spec, batch, footprint);
          return (
            <tr key={batch} data-batch={batch}>
              <th scope="row" data-label="Batch">{batch}</th>
              <td data-label="Input" data-field="input">{fmtMB(m.inputBytes)}</td>
              <td data-label="Output" data-field="output">{fmtMB(m.outputBytes)}</td>
              <td data-label="Activations" data-field="activations">{m.activationBytes === null ? (error ? "not measured" : "…") : fmtMB(m.activationBytes)}</td>
              <td data-label="Weights">{fmtMB(m.weightBytes)}</td>
              <td data-label="Total" data-field="total">{fmtMB(m.totalBytes)}</td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={6} className="muted">
            {footprint ? `Activations: ${footprint.method}.` : error ? `Activations could not be measured: ${error}` : "Asking the server for the activation footprint…"}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
