/**
 * Small helpers over onnx-proto for writing and reading ONNX graphs. Used by the
 * generated models, the trainer's export and the quantizer; no Node modules, so
 * it could run in a browser too (the files are written by the *.server.ts callers).
 */
import { onnx } from "onnx-proto";

export { onnx };

export const DataType = onnx.TensorProto.DataType;

/** The opset our graphs target: per-axis DequantizeLinear needs ≥ 13; 17 is what onnxruntime-web 1.30 supports fully. */
export const OPSET = 17;

/**
 * Decoded protobuf messages always carry their repeated fields and strings (protobufjs
 * defaults); these narrowed views say so, so graph surgery needs no null checks.
 */
export interface Node extends onnx.INodeProto {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: onnx.IAttributeProto[];
  domain?: string;
}
export interface Tensor extends onnx.ITensorProto {
  name: string;
}
export interface Graph {
  name?: string;
  node: Node[];
  initializer: Tensor[];
  input: onnx.IValueInfoProto[];
  output: Array<onnx.IValueInfoProto & { name: string }>;
}
export type Model = Omit<onnx.IModelProto, "graph" | "opsetImport"> & { graph: Graph; opsetImport: onnx.IOperatorSetIdProto[] };

/** Decodes (or deep-copies) a model into the narrowed view; throws when there is no graph. */
export function asModel(source: onnx.IModelProto | Uint8Array): Model {
  const decoded = onnx.ModelProto.decode(source instanceof Uint8Array ? source : onnx.ModelProto.encode(source).finish());
  if (!decoded.graph) throw new Error("ONNX model has no graph");
  return decoded as unknown as Model;
}

type NumericArray = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

function elemTypeOf(data: NumericArray): number {
  if (data instanceof Float32Array) return DataType.FLOAT;
  if (data instanceof Int8Array) return DataType.INT8;
  if (data instanceof Uint8Array) return DataType.UINT8;
  if (data instanceof Int32Array) return DataType.INT32;
  return DataType.INT64;
}

/** An initializer stored as raw little-endian bytes (the compact form onnxruntime reads fastest). */
export function tensor(name: string, data: NumericArray, dims: readonly number[]): Tensor {
  return {
    name,
    dataType: elemTypeOf(data),
    dims: [...dims],
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

export function valueInfo(name: string, elemType: number, shape: ReadonlyArray<number | string>): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function node(opType: string, inputs: string[], outputs: string[], attributes: onnx.IAttributeProto[] = [], name?: string): Node {
  return { opType, input: inputs, output: outputs, attribute: attributes, name: name ?? `${opType}_${outputs[0]}` };
}

export function intAttribute(name: string, value: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

export function intsAttribute(name: string, values: number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

export interface GraphParts {
  name: string;
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
  inputs: onnx.IValueInfoProto[];
  outputs: onnx.IValueInfoProto[];
  producer?: string;
  docString?: string;
}

export function encodeModel(parts: GraphParts): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: parts.producer ?? "inference-lab",
    docString: parts.docString,
    graph: {
      name: parts.name,
      node: parts.nodes,
      initializer: parts.initializers,
      input: parts.inputs,
      output: parts.outputs,
    },
  }).finish();
}

export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeProto(model: onnx.IModelProto | Model): Uint8Array {
  return onnx.ModelProto.encode(model as onnx.IModelProto).finish();
}

/** protobufjs hands int64 fields back as Long objects; every count we read fits in a double. */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (value && typeof (value as { toNumber?: unknown }).toNumber === "function") return (value as { toNumber(): number }).toNumber();
  return Number(value);
}

export function dimsOf(t: onnx.ITensorProto): number[] {
  return (t.dims ?? []).map(toNumber);
}

/** The values of a float initializer, whichever of raw_data or float_data holds them. */
export function floatValues(t: onnx.ITensorProto): Float32Array {
  if (t.dataType !== DataType.FLOAT) throw new Error(`initializer ${t.name} is not float32 (data type ${t.dataType})`);
  if (t.rawData && t.rawData.length > 0) {
    // Copy: raw bytes inside a decoded buffer are rarely 4-byte aligned.
    const copy = new Uint8Array(t.rawData);
    return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Parameters and bytes of all initializers: what "model size" means for weights. */
export function weightStats(model: onnx.IModelProto): { parameters: number; weightBytes: number } {
  const bytesPer: Record<number, number> = { [DataType.FLOAT]: 4, [DataType.INT8]: 1, [DataType.UINT8]: 1, [DataType.INT32]: 4, [DataType.INT64]: 8, [DataType.FLOAT16]: 2 };
  let parameters = 0;
  let weightBytes = 0;
  // Silero VAD keeps its weights inside If branches (one per sample rate): walk subgraphs too.
  const tensorsOf = (graph: onnx.IGraphProto | null | undefined): (onnx.ITensorProto | null | undefined)[] => [
    ...(graph?.initializer ?? []),
    ...(graph?.node ?? []).flatMap((n) => [
      ...(n.opType === "Constant" ? [n.attribute?.find((a) => a.name === "value")?.t] : []),
      ...(n.attribute ?? []).flatMap((a) => [...(a.g ? tensorsOf(a.g) : []), ...(a.graphs ?? []).flatMap(tensorsOf)]),
    ]),
  ];
  for (const t of tensorsOf(model.graph)) {
    // Shape and index constants are not weights; float and quantized tensors are.
    if (!t || t.dataType === DataType.INT64) continue;
    const count = elementCount(dimsOf(t));
    parameters += count;
    weightBytes += count * (bytesPer[t.dataType ?? 0] ?? 4);
  }
  return { parameters, weightBytes };
}
