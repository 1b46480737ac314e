/**
 * The memory one call at a given batch needs: its input and output tensors
 * (exact, from the model's shapes), its activations (from a measured
 * footprint: lib/inference/activations.server.ts) and the weights it reads.
 * Browser-safe, so both the sweep table and the server use one formula.
 */
import type { ModelSpec } from "@/lib/models/registry";
import { bytesOf, itemElements } from "./roofline";

/**
 * Bytes of every intermediate tensor one call writes, as fixed + perItem × batch.
 * Measured by running the unoptimised graph with every intermediate exposed, so
 * it is an upper bound on what is live at once (the runtime reuses buffers).
 */
export interface ActivationFootprint {
  fixedBytes: number;
  perItemBytes: number;
}

export interface BatchMemory {
  batch: number;
  inputBytes: number;
  outputBytes: number;
  /** Null when no footprint was measured for the model. */
  activationBytes: number | null;
  weightBytes: number | null;
  /** Inputs + outputs + activations (+ weights when known). */
  totalBytes: number;
}

type Shapes = Pick<ModelSpec, "inputs" | "outputs" | "batchAxis" | "axisDefaults" | "weightBytes">;

function tensorBytes(spec: Shapes, tensors: Shapes["inputs"], batch: number): number {
  return tensors.reduce((sum, t) => sum + bytesOf(t.dtype) * itemElements(spec, t.shape) * (spec.batchAxis ? batch : 1), 0);
}

export function batchMemory(spec: Shapes, batch: number, activations: ActivationFootprint | null): BatchMemory {
  const inputBytes = tensorBytes(spec, spec.inputs, batch);
  const outputBytes = tensorBytes(spec, spec.outputs, batch);
  const activationBytes = activations ? activations.fixedBytes + activations.perItemBytes * (spec.batchAxis ? batch : 1) : null;
  const weightBytes = spec.weightBytes ?? null;
  return { batch, inputBytes, outputBytes, activationBytes, weightBytes, totalBytes: inputBytes + outputBytes + (activationBytes ?? 0) + (weightBytes ?? 0) };
}

/** A footprint from the totals at batch 1 and batch 2 (a straight line through both). */
export function footprintFrom(batch1Bytes: number, batch2Bytes: number): ActivationFootprint {
  const perItemBytes = Math.max(0, batch2Bytes - batch1Bytes);
  return { fixedBytes: Math.max(0, batch1Bytes - perItemBytes), perItemBytes };
}
