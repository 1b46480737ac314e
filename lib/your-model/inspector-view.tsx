"use client";
import { fmt } from "@/lib/experiments/format";
import type { Dimension, OnnxInspection, TensorSignature } from "@/lib/models/onnx-inspect";
import { formatBytes } from "./limits";

function Shape({ shape }: { shape: Dimension[] | null }) {
  if (shape === null) return <span className="muted">not recorded</span>;
  if (shape.length === 0) return <span>scalar</span>;
  return (
    <span data-field="shape">
      [
      {shape.map((d, i) => (
        <span key={i}>
          {i > 0 ? ", " : ""}
          {typeof d === "string" ? (
            <code data-dim={d} title="symbolic: its size is chosen at run time">
              {d}
            </code>
          ) : d === null ? (
            <span title="neither a size nor a name">?</span>
          ) : (
            d
          )}
        </span>
      ))}
      ]
    </span>
  );
}

function Signatures({ caption, rows, kind }: { caption: string; rows: TensorSignature[]; kind: "input" | "output" }) {
  return (
    <table className="result-table" data-testid={`model-${kind}s`}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Shape (symbolic dimensions in code font)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.name} data-testid={kind} data-name={s.name}>
            <th scope="row">{s.name}</th>
            <td data-field="type">{s.elementType}</td>
            <td>
              <Shape shape={s.shape} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the inspector read from the file, without running it. */
export function InspectorView({ name, inspection }: { name: string; inspection: OnnxInspection }) {
  const weightBytes = inspection.initializers.reduce((sum, t) => sum + (t.location === "internal" ? t.presentBytes : 0), 0);
  const flops = inspection.flops;
  return (
    <section className="panel" data-testid="inspector" aria-label="What the file contains">
      <h2>What {name} contains</h2>
      <dl className="facts">
        <dt>File size</dt>
        <dd data-field="size">{formatBytes(inspection.sizeBytes)}</dd>
        <dt>Producer</dt>
        <dd data-field="producer">{[inspection.producer.name, inspection.producer.version].filter(Boolean).join(" ") || "not recorded"}</dd>
        <dt>ONNX IR version</dt>
        <dd data-field="ir-version">{inspection.irVersion}</dd>
        <dt>Opsets</dt>
        <dd data-testid="opsets">
          {inspection.opsets.map((o) => (
            <span key={o.domain} data-domain={o.domain} data-version={o.version}>
              {o.domain} {o.version}{" "}
            </span>
          ))}
        </dd>
        <dt>Parameters</dt>
        <dd data-field="parameters">
          {inspection.parameterCount.toLocaleString("en-US")} in {inspection.initializers.length} weight tensors ({formatBytes(weightBytes)} in the file)
        </dd>
        <dt>FLOPs per item</dt>
        <dd data-field="flops">
          {flops.counted ? (
            <>
              {fmt(flops.flopsPerItem)} (matrix products and convolutions only; 2 per multiply-add
              {Object.keys(flops.dims).length ? `; at ${Object.entries(flops.dims).map(([k, v]) => `${k} = ${v}`).join(", ")}` : ""})
            </>
          ) : (
            <>not counted: {flops.reason}</>
          )}
        </dd>
      </dl>
      <Signatures caption="Inputs" rows={inspection.inputs} kind="input" />
      <Signatures caption="Outputs" rows={inspection.outputs} kind="output" />
      <table className="result-table" data-testid="op-histogram">
        <caption>
          Operators: {inspection.nodeCount} nodes
          {inspection.operators.some((o) => o.domain !== "ai.onnx") ? " (domain shown where it is not the standard one)" : ""}, bodies of If/Loop/Scan included
        </caption>
        <thead>
          <tr>
            <th scope="col">Operator</th>
            <th scope="col">Count</th>
          </tr>
        </thead>
        <tbody>
          {inspection.operators.map((o) => (
            <tr key={o.key} data-op={o.key} data-count={o.count}>
              <th scope="row">{o.domain === "ai.onnx" ? o.opType : `${o.domain}::${o.opType}`}</th>
              <td>{o.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {inspection.customDomains.length > 0 && (
        <p data-testid="custom-domains">
          Operator domains beyond standard ONNX:{" "}
          {inspection.customDomains.map((d) => `${d.domain} (${d.knownToOnnxruntime ? "onnxruntime's own operators; its WebGPU backend may lack some" : "needs a custom-op library onnxruntime-web does not have"})`).join("; ")}.
        </p>
      )}
    </section>
  );
}
