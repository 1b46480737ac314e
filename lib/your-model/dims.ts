/**
 * The values a learner gives a model's symbolic dimensions (all but the batch, which the
 * experiments set): defaults from the name, and checks before anything runs. No Node modules.
 */
import type { TensorSignature } from "@/lib/models/onnx-inspect";
import { formatBytes } from "./limits";

/** Above this, one call's generated inputs alone would crowd a browser tab. */
export const MAX_INPUT_BYTES = 256 * 1024 ** 2;
export const MAX_DIM_VALUE = 1_000_000;

const BYTES_PER: Record<string, number> = { float32: 4, int64: 8, int32: 4, int8: 1, uint8: 1, bool: 1 };

/** A size that suits the name: sequences 128 tokens, images 224 pixels a side, anything else 1. */
export function defaultDimValue(name: string): number {
  if (/seq|sequence|len|length|token|time|frames|steps/i.test(name)) return 128;
  if (/height|width|^h$|^w$|size|resolution/i.test(name)) return 224;
  return 1;
}

export function editableDims(symbolicDims: string[], batchDim: string | null): string[] {
  return symbolicDims.filter((d) => d !== batchDim);
}

/** The field's problem in plain words, or the parsed values. */
export function parseDims(inputs: TensorSignature[], raw: Record<string, string>, batchDim: string | null): { ok: true; dims: Record<string, number> } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const dims: Record<string, number> = {};
  for (const [name, text] of Object.entries(raw)) {
    const value = Number(text);
    if (text.trim() === "" || !Number.isInteger(value)) errors[name] = `${name} must be a whole number`;
    else if (value < 1) errors[name] = `${name} must be at least 1`;
    else if (value > MAX_DIM_VALUE) errors[name] = `${name} must be at most ${MAX_DIM_VALUE.toLocaleString("en-US")}`;
    else dims[name] = value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const bytes = inputs.reduce((sum, input) => {
    const count = (input.shape ?? []).reduce<number>((p, d) => p * (typeof d === "number" ? d : d === batchDim ? 1 : (dims[d ?? ""] ?? 1)), 1);
    return sum + count * (BYTES_PER[input.elementType] ?? 4);
  }, 0);
  if (bytes > MAX_INPUT_BYTES) {
    const name = Object.keys(raw)[0] ?? "dimensions";
    return { ok: false, errors: { [name]: `At these values one item's inputs take ${formatBytes(bytes)}, more than the ${formatBytes(MAX_INPUT_BYTES)} this lab generates per call; choose smaller values.` } };
  }
  return { ok: true, dims };
}
