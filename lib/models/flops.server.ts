import "server-only";
import * as ort from "onnxruntime-node";
import { countFromShapes, flopOperands, HEAVY_OPS, type FlopCount } from "./flops";
import { decodeModel, dimsOf, encodeProto } from "./onnx-builder";

export type { FlopCount };

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
    for (const name of flopOperands(n)) if (!initializers.has(name)) wanted.add(name);
  }
  const existing = new Set(graph.output!.map((o) => o.name!));
  for (const name of wanted) if (!existing.has(name)) graph.output!.push({ name });
  const session = await ort.InferenceSession.create(encodeProto(model), { graphOptimizationLevel: "disabled" });
  try {
    const outputs = await session.run(feeds, [...new Set([...existing, ...wanted])]);
    const shape = (name: string) => initializers.get(name) ?? (outputs[name]?.dims as readonly number[] | undefined);
    const counted = countFromShapes(heavy, shape);
    if ("missing" in counted) throw new Error(`no shape for ${counted.node.opType} ${counted.node.name}`);
    return counted;
  } finally {
    await session.release();
  }
}
