/**
 * FLOP counting from known tensor shapes: no Node modules, so the browser's inspector
 * (lib/models/onnx-inspect.ts) and the server's run-based counter (flops.server.ts)
 * share one formula per operator.
 */
import type { onnx } from "./onnx-builder";

/** Multiply-accumulate ops count as 2 FLOPs, as in MLPerf and most roofline work. */
export const HEAVY_OPS: ReadonlySet<string> = new Set(["Conv", "ConvTranspose", "MatMul", "Gemm", "MatMulInteger", "QLinearConv", "QLinearMatMul"]);

export interface FlopCount {
  /** FLOPs of one run with the given input, counting Conv/ConvTranspose/MatMul/Gemm only (the rest is a few percent). */
  flops: number;
  byOp: Record<string, number>;
}

export const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

export function intAttributeOf(node: onnx.INodeProto, name: string): number | undefined {
  const found = node.attribute?.find((a) => a.name === name);
  return found?.i === undefined || found.i === null ? undefined : Number(found.i);
}

/**
 * The tensors whose shapes decide a heavy node's FLOPs: its data input, its weight and its output.
 * QLinearConv/QLinearMatMul interleave scales and zero points, so their weight is input 3.
 */
export function flopOperands(node: onnx.INodeProto): [string, string, string] {
  const weightAt = node.opType === "QLinearConv" || node.opType === "QLinearMatMul" ? 3 : 1;
  return [node.input?.[0] ?? "", node.input?.[weightAt] ?? "", node.output?.[0] ?? ""];
}

/** FLOPs of one heavy node, from the shapes of its first input (a), second input (b, the weight) and output. */
export function heavyNodeFlops(node: onnx.INodeProto, a: readonly number[], b: readonly number[], out: readonly number[]): number {
  const op = node.opType ?? "";
  if (op === "Conv" || op === "QLinearConv") {
    // weight [Cout, Cin/group, kh, kw]: each output element is a dot product over Cin/group·kh·kw
    return 2 * product(out) * product(b.slice(1));
  }
  if (op === "ConvTranspose") {
    // weight [Cin, Cout/group, kh, kw]: each input element scatters into Cout/group·kh·kw outputs
    return 2 * product(a) * product(b.slice(1));
  }
  const transA = op === "Gemm" ? (intAttributeOf(node, "transA") ?? 0) : 0;
  const k = transA ? a.at(-2)! : a.at(-1)!;
  return 2 * product(out) * k;
}

/**
 * Sums the heavy nodes' FLOPs; `shapeOf` answers a tensor's shape or undefined.
 * Returns the first tensor without a shape instead of a count when one is missing.
 */
export function countFromShapes(
  nodes: readonly onnx.INodeProto[],
  shapeOf: (name: string) => readonly number[] | undefined,
): FlopCount | { missing: string; node: onnx.INodeProto } {
  const byOp: Record<string, number> = {};
  for (const n of nodes) {
    if (!HEAVY_OPS.has(n.opType ?? "")) continue;
    const names = flopOperands(n);
    const shapes = names.map(shapeOf);
    const missingAt = shapes.findIndex((s) => s === undefined);
    if (missingAt >= 0) return { missing: names[missingAt]!, node: n };
    byOp[n.opType!] = (byOp[n.opType!] ?? 0) + heavyNodeFlops(n, shapes[0]!, shapes[1]!, shapes[2]!);
  }
  return { flops: Object.values(byOp).reduce((x, y) => x + y, 0), byOp };
}
