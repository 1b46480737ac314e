/**
 * The two probes a lane's roofline ceilings are measured with, written by the
 * project's ONNX builder (browser-safe: the Web Worker builds them in memory,
 * nothing is downloaded). Both are one MatMul input·W:
 *  - bandwidth: batch 1 against a W far larger than any last-level cache, so
 *    each call streams every weight byte from memory once (2 FLOPs per 4 bytes);
 *  - compute: large batches, so each weight byte is reused hundreds of times and
 *    arithmetic is the limit. Two shapes, the faster one counting: a W that
 *    stays in L2 and a wide W like a real layer's; which kernel a runtime runs
 *    best differs (WASM's GEMM, for one, is fastest on a cache-resident W).
 */
import { DataType, encodeModel, node, tensor, valueInfo } from "./onnx-builder";

export interface ProbeShape {
  batch: number;
  inWidth: number;
  outWidth: number;
}

export interface ProbeSet {
  /** Why this size: shown beside the ceiling. */
  note: string;
  bandwidth: ProbeShape;
  /** The compute ceiling is the fastest of these. */
  compute: readonly ProbeShape[];
}

const MiB = 2 ** 20;

/**
 * Sizes per kind of lane. Native runtimes stream 256 MiB (8× a 32 MiB L3).
 * WebGPU binds W as one storage buffer, and the default
 * maxStorageBufferBindingSize is 128 MiB, so WebGPU lanes stream 64 MiB; a
 * browser tab's WASM heap holds the model bytes and the weights twice over, so
 * WASM streams 128 MiB. Both are still several times any client CPU's L3.
 */
export const PROBE_SETS = {
  native: { note: "256 MiB weight streamed per call (8× a 32 MiB L3)", bandwidth: { batch: 1, inWidth: 8192, outWidth: 8192 }, compute: [{ batch: 1024, inWidth: 256, outWidth: 256 }, { batch: 256, inWidth: 4096, outWidth: 4096 }] },
  wasm: { note: "128 MiB weight streamed per call (a browser tab's memory allows no more; still 4× a 32 MiB L3)", bandwidth: { batch: 1, inWidth: 4096, outWidth: 8192 }, compute: [{ batch: 1024, inWidth: 256, outWidth: 256 }, { batch: 256, inWidth: 1024, outWidth: 1024 }] },
  webgpu: { note: "64 MiB weight streamed per call (WebGPU's default 128 MiB storage-buffer binding limit; still 2× a 32 MiB L3)", bandwidth: { batch: 1, inWidth: 4096, outWidth: 4096 }, compute: [{ batch: 1024, inWidth: 256, outWidth: 256 }, { batch: 256, inWidth: 1024, outWidth: 1024 }] },
} as const satisfies Record<string, ProbeSet>;

export type ProbeSetId = keyof typeof PROBE_SETS;

export function weightBytesOf(p: ProbeShape): number {
  return 4 * p.inWidth * p.outWidth;
}

/** Bytes one call must move at least: W once, the input and the output once. */
export function probeBytes(p: ProbeShape): number {
  return 4 * (p.inWidth * p.outWidth + p.batch * p.inWidth + p.batch * p.outWidth);
}

export function probeFlops(p: ProbeShape): number {
  return 2 * p.batch * p.inWidth * p.outWidth;
}

export function probeMiB(p: ProbeShape): number {
  return weightBytesOf(p) / MiB;
}

/**
 * The ONNX bytes of input[batch, in] · W[in, out]. The values are a cheap
 * repeating pattern rather than random draws: MatMul's speed does not depend
 * on them, and 64 M seeded draws would cost seconds in a browser tab.
 */
export function buildProbe(p: ProbeShape, name: string): Uint8Array {
  const weights = new Float32Array(p.inWidth * p.outWidth);
  for (let i = 0; i < weights.length; i += 1) weights[i] = ((i % 251) - 125) / 4096;
  return encodeModel({
    name,
    nodes: [node("MatMul", ["input", "W"], ["output"], [], "probe_MatMul")],
    initializers: [tensor("W", weights, [p.inWidth, p.outWidth])],
    inputs: [valueInfo("input", DataType.FLOAT, [p.batch, p.inWidth])],
    outputs: [valueInfo("output", DataType.FLOAT, [p.batch, p.outWidth])],
    docString: `roofline ceiling probe (${name})`,
  });
}

/** A probe's input: the same pattern, any values do. */
export function probeInput(p: ProbeShape): Float32Array {
  const data = new Float32Array(p.batch * p.inWidth);
  for (let i = 0; i < data.length; i += 1) data[i] = ((i % 17) - 8) / 16;
  return data;
}
