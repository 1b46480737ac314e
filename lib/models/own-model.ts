/**
 * A learner's own ONNX file in the browser lab: its id in stored results (the SHA-256
 * of its bytes, never the bytes) and the random inputs a run feeds it, built from the
 * signatures the inspector read. No Node modules: the page and the worker use it.
 */
import { seededRandom } from "@/lib/random";
import type { Dimension, TensorSignature } from "./onnx-inspect";
import type { InputTensor, TensorDType, TypedData } from "./registry";

const OWN_PREFIX = "sha256:";

/** The id a learner's model is stored under: its SHA-256, so the same file always matches. */
export const ownModelId = (sha256Hex: string): string => `${OWN_PREFIX}${sha256Hex}`;
export const isOwnModelId = (id: string): boolean => id.startsWith(OWN_PREFIX);

/** What the worker needs to feed a learner's model (plain data; the bytes travel beside it). */
export interface OwnModelInputs {
  inputs: TensorSignature[];
  /** A value for every symbolic dimension except the batch. */
  dims: Record<string, number>;
  /** The symbolic dimension each point of a run sets; null when the model has no batch axis. */
  batchDim: string | null;
}

const FEEDABLE: ReadonlySet<string> = new Set<TensorDType>(["float32", "int64", "int32", "int8", "uint8", "bool"]);

/** Inputs the lab cannot generate (strings, float16, unknown shapes), each with its reason. */
export function unfeedableInputs(inputs: TensorSignature[]): string[] {
  return inputs.flatMap((i) => {
    if (!FEEDABLE.has(i.elementType)) return [`input "${i.name}" is ${i.elementType}; the lab generates only ${[...FEEDABLE].join(", ")} inputs`];
    if (i.shape === null) return [`input "${i.name}" has no recorded shape, so the lab cannot tell what size to make it`];
    if (i.shape.includes(null)) return [`input "${i.name}" has a dimension with neither a size nor a name`];
    return [];
  });
}

export function concreteShape(shape: readonly Dimension[], model: OwnModelInputs, batch: number): number[] {
  return shape.map((d) => {
    if (typeof d === "number") return d;
    if (d === model.batchDim) return batch;
    const value = d === null ? undefined : model.dims[d];
    if (value === undefined) throw new Error(`no value for the dimension "${d}"`);
    return value;
  });
}

/**
 * Inputs for one call at `batch`: floats uniform in [-1, 1), integers 0 (a valid index
 * for any embedding or gather, where a random id might be out of range), booleans false.
 */
export function ownModelFeeds(model: OwnModelInputs, batch: number, seed: number): InputTensor[] {
  const random = seededRandom(seed);
  return model.inputs.map((signature) => {
    const dims = concreteShape(signature.shape ?? [], model, batch);
    const count = dims.reduce((a, b) => a * b, 1);
    const dtype = signature.elementType as TensorDType;
    let data: TypedData;
    switch (dtype) {
      case "float32":
        data = Float32Array.from({ length: count }, () => random() * 2 - 1);
        break;
      case "int64":
        data = new BigInt64Array(count);
        break;
      case "int32":
        data = new Int32Array(count);
        break;
      case "int8":
        data = new Int8Array(count);
        break;
      default:
        data = new Uint8Array(count);
    }
    return { name: signature.name, dtype, data, dims };
  });
}
