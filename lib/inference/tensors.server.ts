import "server-only";
import { Tensor } from "onnxruntime-node";
import { HttpError } from "@/lib/http/errors";

export type Feeds = Record<string, Tensor>;

/** The element types a JSON body can carry, with ONNX Runtime's and the Open Inference Protocol's names. */
export const DTYPES = {
  float32: { v2: "FP32", bytes: 4 },
  float64: { v2: "FP64", bytes: 8 },
  int8: { v2: "INT8", bytes: 1 },
  int16: { v2: "INT16", bytes: 2 },
  int32: { v2: "INT32", bytes: 4 },
  int64: { v2: "INT64", bytes: 8 },
  uint8: { v2: "UINT8", bytes: 1 },
  uint16: { v2: "UINT16", bytes: 2 },
  uint32: { v2: "UINT32", bytes: 4 },
  uint64: { v2: "UINT64", bytes: 8 },
  bool: { v2: "BOOL", bytes: 1 },
} as const;

export type JsonDtype = keyof typeof DTYPES;
export type V2Datatype = (typeof DTYPES)[JsonDtype]["v2"];

export function isJsonDtype(value: string): value is JsonDtype {
  return Object.hasOwn(DTYPES, value);
}

export function toV2Datatype(dtype: string): string {
  return isJsonDtype(dtype) ? DTYPES[dtype].v2 : dtype === "float16" ? "FP16" : dtype === "string" ? "BYTES" : dtype.toUpperCase();
}

export function fromV2Datatype(datatype: string): JsonDtype | null {
  for (const [dtype, info] of Object.entries(DTYPES)) if (info.v2 === datatype) return dtype as JsonDtype;
  return null;
}

export type Dim = number | string;

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * Checks concrete dims against a model's declared shape (strings are dynamic
 * axes) and names the first mismatch the way a learner can act on.
 */
export function checkShape(name: string, dims: readonly number[], declared: readonly Dim[]): void {
  if (dims.length !== declared.length) {
    throw new HttpError(400, `input ${name}: expected rank ${declared.length} shape [${declared.join(", ")}], got [${dims.join(", ")}]`);
  }
  declared.forEach((want, axis) => {
    const got = dims[axis]!;
    // Zero-sized dimensions reach kernels that assume at least one element (a 0×0 image made Conv fail with a 500).
    if (!Number.isInteger(got) || got < 1) throw new HttpError(400, `input ${name}: dimension ${axis} must be a positive integer, got ${got}`);
    if (typeof want === "number" && want >= 0 && got !== want) {
      throw new HttpError(400, `input ${name}: dimension ${axis} must be ${want} (shape [${declared.join(", ")}]), got ${got}`);
    }
  });
}

/** Builds a tensor from a flat JSON array, refusing values that do not fit the dtype. */
/** Values a tensor spec rules out (a sample rate of 0 or −5 reached the VAD and came back as a 500). */
export function checkAllowedValues(name: string, data: readonly unknown[], allowed: readonly number[] | undefined): void {
  if (!allowed) return;
  const bad = data.find((value) => !allowed.includes(Number(value)));
  if (bad !== undefined) throw new HttpError(400, `input ${name}: ${String(bad).slice(0, 40)} is not accepted; the model takes ${allowed.join(" or ")}`);
}

export function tensorFromJson(name: string, dtype: JsonDtype, dims: readonly number[], data: readonly unknown[]): Tensor {
  const count = elementCount(dims);
  if (data.length !== count) {
    throw new HttpError(400, `input ${name}: shape [${dims.join(", ")}] needs ${count} values, got ${data.length}`);
  }
  const bad = (index: number, why: string) => new HttpError(400, `input ${name}: value at index ${index} ${why} for dtype ${dtype}`);
  switch (dtype) {
    case "bool": {
      const out = new Uint8Array(count);
      data.forEach((v, i) => {
        if (typeof v === "boolean") out[i] = v ? 1 : 0;
        else if (v === 0 || v === 1) out[i] = v;
        else throw bad(i, "is not a boolean");
      });
      return new Tensor("bool", out, dims);
    }
    case "int64":
    case "uint64": {
      const out = dtype === "int64" ? new BigInt64Array(count) : new BigUint64Array(count);
      const [min, max] = dtype === "int64" ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
      data.forEach((v, i) => {
        let big: bigint;
        if (typeof v === "number" && Number.isSafeInteger(v)) big = BigInt(v);
        else if (typeof v === "string" && /^-?\d+$/.test(v)) big = BigInt(v);
        else throw bad(i, "is not an integer");
        if (big < min || big > max) throw bad(i, "is out of range");
        out[i] = big as never;
      });
      return new Tensor(dtype, out as BigInt64Array, dims);
    }
    case "float32":
    case "float64": {
      const out = dtype === "float32" ? new Float32Array(count) : new Float64Array(count);
      data.forEach((v, i) => {
        if (typeof v !== "number" || !Number.isFinite(v)) throw bad(i, "is not a finite number");
        out[i] = v;
      });
      return new Tensor(dtype, out, dims);
    }
    default: {
      const ranges: Record<string, [number, number, new (n: number) => Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array]> = {
        int8: [-128, 127, Int8Array],
        int16: [-32768, 32767, Int16Array],
        int32: [-(2 ** 31), 2 ** 31 - 1, Int32Array],
        uint8: [0, 255, Uint8Array],
        uint16: [0, 65535, Uint16Array],
        uint32: [0, 2 ** 32 - 1, Uint32Array],
      };
      const [min, max, Ctor] = ranges[dtype]!;
      const out = new Ctor(count);
      data.forEach((v, i) => {
        if (typeof v !== "number" || !Number.isInteger(v)) throw bad(i, "is not an integer");
        if (v < min || v > max) throw bad(i, "is out of range");
        out[i] = v;
      });
      return new Tensor(dtype as "int32", out as Int32Array, dims);
    }
  }
}

/** JSON-safe flat data: 64-bit integers become numbers when exact, strings otherwise. */
export function tensorDataToJson(tensor: Tensor): Array<number | string | boolean> {
  const data = tensor.data;
  if (tensor.type === "bool") return Array.from(data as Uint8Array, (v) => v !== 0);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    return Array.from(data, (v) => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()));
  }
  if (Array.isArray(data)) return data;
  return Array.from(data as ArrayLike<number>);
}

export function tensorBytes(tensor: Tensor): number {
  const data = tensor.data;
  return Array.isArray(data) ? data.reduce((n, s) => n + s.length, 0) : (data as ArrayBufferView).byteLength;
}
