"use client";
import { useState, type DragEvent } from "react";
import { inspectOnnx, type InspectFailure } from "@/lib/models/onnx-inspect";
import { unfeedableInputs, type OwnModelInputs } from "@/lib/models/own-model";
import { defaultDimValue, editableDims, parseDims } from "./dims";
import { InspectorView } from "./inspector-view";
import { formatBytes } from "./limits";
import { OwnBatchSweepExperiment, OwnLatencyExperiment, type LoadedModel } from "./own-experiments";
import { readModelFile } from "./read-file";

type State =
  | { kind: "empty" }
  | { kind: "reading"; name: string }
  | { kind: "refused"; name: string; reason: string }
  | { kind: "unreadable"; name: string; failure: InspectFailure }
  | { kind: "loaded"; model: LoadedModel };

/** Why a model that was read cannot be run here, in plain words (several may apply). */
function runRefusals(model: LoadedModel): string[] {
  const reasons: string[] = [];
  for (const p of model.inspection.problems) {
    if (p.code === "external-data") {
      reasons.push(
        `${p.message} A web page can read only the file you picked: it cannot open other files beside it on your disk, and this lab would not ask it to. ONNX keeps weights outside the .onnx when a model passes protobuf's 2 GiB limit or when the exporter was told to; a model under 2 GiB can be saved again as one file (in Python: onnx.save_model(model, path, save_as_external_data=False)).`,
      );
    } else if (p.code === "initializer-too-short") {
      reasons.push(`${p.message} The file is damaged or was cut; onnxruntime would refuse it or read past its weights.`);
    } else if (p.code === "custom-domain") {
      reasons.push(p.message);
    }
  }
  reasons.push(...unfeedableInputs(model.inspection.inputs).map((r) => `The lab cannot make inputs for it: ${r}.`));
  return reasons;
}

export function YourModelLab({ maxBytes }: { maxBytes: number }) {
  const [state, setState] = useState<State>({ kind: "empty" });
  const [dragging, setDragging] = useState(false);

  const open = async (file: File | undefined) => {
    if (!file) return;
    setState({ kind: "reading", name: file.name });
    const read = await readModelFile(file, maxBytes);
    if (!read.ok) return setState({ kind: "refused", name: file.name, reason: read.reason });
    const inspection = inspectOnnx(read.bytes);
    if (!inspection.ok) return setState({ kind: "unreadable", name: file.name, failure: inspection });
    setState({ kind: "loaded", model: { name: file.name, sizeBytes: file.size, sha256: read.sha256, bytes: read.bytes, inspection } });
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    void open(event.dataTransfer.files[0]);
  };

  return (
    <>
      <section
        className={`panel drop-zone${dragging ? " dragging" : ""}`}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p data-testid="privacy-note">
          <strong>Your model stays in this browser tab.</strong> The file is read here, inspected here and run by onnxruntime-web in this tab&apos;s workers; no request carries its bytes. A stored result keeps only its name, its size and its SHA-256 fingerprint.
        </p>
        <label>
          Drop an <code>.onnx</code> file here, or pick one:{" "}
          <input type="file" name="model-file" accept=".onnx" onChange={(e) => void open(e.target.files?.[0])} />
        </label>
        <p className="muted">Up to {formatBytes(maxBytes)}, one self-contained file (no external data files).</p>
      </section>
      {state.kind === "reading" && <p role="status">Reading {state.name}…</p>}
      {state.kind === "refused" && (
        <p role="alert" data-testid="refusal">
          {state.reason}
        </p>
      )}
      {state.kind === "unreadable" && (
        <p role="alert" data-testid="refusal" data-code={state.failure.code}>
          {state.name} cannot be read as an ONNX model: {state.failure.reason}
        </p>
      )}
      {state.kind === "loaded" && <LoadedModelView key={state.model.sha256} model={state.model} />}
    </>
  );
}

function LoadedModelView({ model: loaded }: { model: LoadedModel }) {
  const { inspection } = loaded;
  const dimNames = editableDims(inspection.symbolicDims, inspection.batchDim);
  const [raw, setRaw] = useState<Record<string, string>>(() => Object.fromEntries(dimNames.map((d) => [d, String(defaultDimValue(d))])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [applied, setApplied] = useState<{ inputs: OwnModelInputs; model: LoadedModel } | null>(() => {
    const parsed = parseDims(inspection.inputs, raw, inspection.batchDim);
    return parsed.ok ? withDims(loaded, parsed.dims) : null;
  });
  const refusals = runRefusals(loaded);

  const apply = () => {
    const parsed = parseDims(inspection.inputs, raw, inspection.batchDim);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    setApplied(withDims(loaded, parsed.dims));
  };

  const shown = applied?.model.inspection ?? inspection;
  return (
    <>
      <InspectorView name={loaded.name} inspection={shown} />
      <p className="muted" data-testid="fingerprint">
        SHA-256 <code>{loaded.sha256}</code>, computed in this tab.
      </p>
      {refusals.length > 0 ? (
        <section role="alert" data-testid="run-refusal" className="panel">
          <h2>This model cannot run here</h2>
          <ul>
            {refusals.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </section>
      ) : (
        <>
          <form
            className="panel"
            data-testid="dims-form"
            onSubmit={(e) => {
              e.preventDefault();
              apply();
            }}
          >
            <h2>Sizes to run it at</h2>
            <p className="muted">
              {inspection.batchDim ? `“${inspection.batchDim}” is the batch: the experiments set it (1 for latency, 1, 2, 4… in the sweep). ` : "This model has no symbolic batch dimension. "}
              {dimNames.length ? "The other symbolic dimensions need a size; the defaults follow their names." : "It has no other symbolic dimensions."}
            </p>
            {dimNames.map((d) => (
              <p key={d}>
                <label>
                  <code>{d}</code>{" "}
                  <input
                    type="number"
                    name={`dim-${d}`}
                    min={1}
                    step={1}
                    value={raw[d] ?? ""}
                    aria-invalid={errors[d] ? true : undefined}
                    aria-describedby={errors[d] ? `dim-${d}-error` : undefined}
                    onChange={(e) => setRaw({ ...raw, [d]: e.target.value })}
                  />
                </label>
                {errors[d] && (
                  <span id={`dim-${d}-error`} role="alert" className="quiz-error" data-field-error={d}>
                    {" "}
                    {errors[d]}
                  </span>
                )}
              </p>
            ))}
            {dimNames.length > 0 && <button type="submit">Use these sizes</button>}
            {applied && Object.keys(applied.inputs.dims).length > 0 && (
              <p className="muted" data-testid="applied-dims">
                Running at {Object.entries(applied.inputs.dims).map(([k, v]) => `${k} = ${v}`).join(", ")}. A size the model does not accept is reported by the run, in onnxruntime-web&apos;s words.
              </p>
            )}
          </form>
          {applied && (
            <>
              <OwnLatencyExperiment key={`latency-${JSON.stringify(applied.inputs.dims)}`} model={applied.model} inputs={applied.inputs} />
              <OwnBatchSweepExperiment key={`sweep-${JSON.stringify(applied.inputs.dims)}`} model={applied.model} inputs={applied.inputs} />
            </>
          )}
        </>
      )}
    </>
  );
}

/** The model with its FLOPs counted at these sizes, and the inputs a run feeds it. */
function withDims(model: LoadedModel, dims: Record<string, number>): { inputs: OwnModelInputs; model: LoadedModel } {
  const inspection = inspectOnnx(model.bytes, { dims });
  return {
    inputs: { inputs: model.inspection.inputs, dims, batchDim: model.inspection.batchDim },
    model: inspection.ok ? { ...model, inspection } : model,
  };
}
