import "server-only";
import { Tensor } from "onnxruntime-node";
import { HttpError } from "@/lib/http/errors";
import { seededRandom } from "@/lib/random";
import type { InferenceModel, TensorSpec } from "./model";
import { DTYPES, elementCount, type Feeds, isJsonDtype } from "./tensors.server";

/** Concrete dims for a generated input: the batch axis gets `batch`, other dynamic axes cannot be guessed. */
export function concreteShape(model: InferenceModel, spec: TensorSpec, batch: number): number[] {
  return spec.shape.map((dim, axis) => {
    if (axis === model.batchAxis) return batch;
    if (typeof dim === "number" && dim >= 0) return dim;
    const fallback = model.axisDefaults?.[dim];
    if (fallback !== undefined) return fallback;
    throw new HttpError(400, `input ${spec.name} has a dynamic axis "${dim}" the server cannot choose; send the input data`);
  });
}

/**
 * Seeded pseudo-random input of the model's shape: the same seed gives the same
 * tensor, so a benchmark and its check run on identical data.
 */
export function generateFeeds(model: InferenceModel, batch: number, seed = 1): Feeds {
  if (model.makeInput) return model.makeInput(batch, seed) as Feeds;
  const next = seededRandom(seed);
  const feeds: Feeds = {};
  for (const spec of model.inputs) {
    const dims = concreteShape(model, spec, batch);
    const count = elementCount(dims);
    const dtype = spec.dtype;
    if (!isJsonDtype(dtype)) throw new HttpError(400, `input ${spec.name} has dtype ${dtype}, which the server cannot generate`);
    switch (dtype) {
      case "float32":
        feeds[spec.name] = new Tensor("float32", Float32Array.from({ length: count }, () => next() * 2 - 1), dims);
        break;
      case "float64":
        feeds[spec.name] = new Tensor("float64", Float64Array.from({ length: count }, () => next() * 2 - 1), dims);
        break;
      case "int64":
        feeds[spec.name] = new Tensor("int64", BigInt64Array.from({ length: count }, () => BigInt(Math.floor(next() * 10))), dims);
        break;
      case "uint64":
        feeds[spec.name] = new Tensor("uint64", BigUint64Array.from({ length: count }, () => BigInt(Math.floor(next() * 10))), dims);
        break;
      case "bool":
        feeds[spec.name] = new Tensor("bool", Uint8Array.from({ length: count }, () => (next() < 0.5 ? 0 : 1)), dims);
        break;
      default: {
        const Ctor = { int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array }[dtype];
        const values = new Ctor(count);
        for (let i = 0; i < count; i += 1) values[i] = Math.floor(next() * (dtype === "uint8" ? 256 : 10));
        feeds[spec.name] = new Tensor(dtype as "int32", values as Int32Array, dims);
      }
    }
  }
  return feeds;
}

/** Bytes of input plus output tensors per batch item: what a batch sweep must fit in memory. */
export function bytesPerItem(model: InferenceModel): number {
  const tensorBytes = (spec: TensorSpec) => {
    const perItem = spec.shape.reduce<number>((n, dim, axis) => (axis === model.batchAxis ? n : n * (typeof dim === "number" && dim > 0 ? dim : 1)), 1);
    return perItem * (isJsonDtype(spec.dtype) ? DTYPES[spec.dtype].bytes : 4);
  };
  return [...model.inputs, ...model.outputs].reduce((sum, spec) => sum + tensorBytes(spec), 0);
}
