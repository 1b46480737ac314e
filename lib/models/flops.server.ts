import "server-only";
import * as ort from "onnxruntime-node";
import { decodeModel, dimsOf, encodeProto, type onnx } from "./onnx-builder";

/** Multiply-accumulate ops count as 2 FLOPs, as in MLPerf and most roofline work. */
const HEAVY_OPS = new Set(["Conv", "ConvTranspose", "MatMul", "Gemm", "MatMulInteger", "QLinearConv", "QLinearMatMul"]);

export interface FlopCount {
  /** FLOPs of one run with the given input, counting Conv/ConvTranspose/MatMul/Gemm only (the rest is a few percent). */
  flops: number;
  byOp: Record<string, number>;
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function attribute(node: onnx.INodeProto, name: string): number | undefined {
  const found = node.attribute?.find((a) => a.name === name);
  return found?.i === undefined || found.i === null ? undefined : Number(found.i);
}

/**
 * Counts FLOPs of a model whose intermediate shapes depend on its input (the
 * PaddleOCR models have dynamic height and width, so no static count exists):
 * every heavy node's tensors are exposed as extra graph outputs, the model runs
 * once on the given input, and the shapes it produced are counted exactly.
 */
export async function countFlops(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<FlopCount> {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  const initializers = new Map(graph.initializer!.map((t) => [t.name!, dimsOf(t)]));
  const heavy = graph.node!.filter((n) => HEAVY_OPS.has(n.opType!));
  const wanted = new Set<string>();
  for (const n of heavy) {
    for (const name of [n.input![0]!, n.input![1]!, n.output![0]!]) if (!initializers.has(name)) wanted.add(name);
  }
  const existing = new Set(graph.output!.map((o) => o.name!));
  for (const name of wanted) if (!existing.has(name)) graph.output!.push({ name });
  const session = await ort.InferenceSession.create(encodeProto(model), { graphOptimizationLevel: "disabled" });
  try {
    const outputs = await session.run(feeds, [...new Set([...existing, ...wanted])]);
    const shape = (name: string) => initializers.get(name) ?? (outputs[name]?.dims as readonly number[] | undefined);
    const byOp: Record<string, number> = {};
    for (const n of heavy) {
      const [a, b, out] = [shape(n.input![0]!), shape(n.input![1]!), shape(n.output![0]!)];
      if (!a || !b || !out) throw new Error(`no shape for ${n.opType} ${n.name}`);
      let flops: number;
      if (n.opType === "Conv" || n.opType === "QLinearConv") {
        // weight [Cout, Cin/group, kh, kw]: each output element is a dot product over Cin/group·kh·kw
        flops = 2 * product(out) * product(b.slice(1));
      } else if (n.opType === "ConvTranspose") {
        // weight [Cin, Cout/group, kh, kw]: each input element scatters into Cout/group·kh·kw outputs
        flops = 2 * product(a) * product(b.slice(1));
      } else {
        const transA = n.opType === "Gemm" ? (attribute(n, "transA") ?? 0) : 0;
        const k = transA ? a.at(-2)! : a.at(-1)!;
        flops = 2 * product(out) * k;
      }
      byOp[n.opType!] = (byOp[n.opType!] ?? 0) + flops;
    }
    return { flops: Object.values(byOp).reduce((x, y) => x + y, 0), byOp };
  } finally {
    await session.release();
  }
}
