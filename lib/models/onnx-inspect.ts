/**
 * Reads an ONNX file without running it: what a learner's model contains (the browser's
 * /lab/your-model page) and whether an uploaded file is safe to hand to onnxruntime (the
 * server's model upload). No Node modules: it runs in a browser, a worker or the server.
 *
 * `inspectOnnx(bytes, { dims })` answers either `{ ok: false, code, reason }` or the
 * inspection below; it never throws on bad input.
 */
import { countFromShapes, HEAVY_OPS, product } from "./flops";
import { dimsOf, onnx, toNumber, weightStats } from "./onnx-builder";

export type InspectFailureCode = "empty" | "not-protobuf" | "truncated" | "wrong-message" | "no-graph" | "corrupt";

export interface InspectFailure {
  ok: false;
  code: InspectFailureCode;
  /** One plain sentence for the person who chose the file. */
  reason: string;
}

/** A dimension: a fixed size, a symbolic name (e.g. "batch"), or null when the file says neither. */
export type Dimension = number | string | null;

export interface TensorSignature {
  name: string;
  /** onnxruntime's name for the element type ("float32", "int64", ...), or "unknown(N)". */
  elementType: string;
  /** null when the file records no shape at all (rank unknown). */
  shape: Dimension[] | null;
}

export interface InitializerInfo {
  name: string;
  elementType: string;
  dims: number[];
  /** Bytes its dims and type call for; null for strings, whose size the dims do not fix. */
  declaredBytes: number | null;
  /** Bytes the file actually holds for it (0 when they live in an external file). */
  presentBytes: number;
  location: "internal" | "external";
  /** The external_data key/value entries (location, offset, length, checksum) when external. */
  externalData: Record<string, string>;
}

export interface OperatorCount {
  /** "domain::opType", with the default ONNX domain written "ai.onnx". */
  key: string;
  domain: string;
  opType: string;
  count: number;
}

export interface CustomDomain {
  domain: string;
  /** onnxruntime's own contrib domains (com.microsoft...) run there; others need a custom-op library. */
  knownToOnnxruntime: boolean;
}

export type InspectProblemCode = "external-data" | "initializer-too-short" | "initializer-too-long" | "custom-domain";

export interface InspectProblem {
  code: InspectProblemCode;
  message: string;
}

export type FlopsEstimate =
  | { counted: true; flopsPerItem: number; byOp: Record<string, number>; dims: Record<string, number> }
  | { counted: false; reason: string };

export interface OnnxInspection {
  ok: true;
  sizeBytes: number;
  irVersion: number;
  opsets: Array<{ domain: string; version: number }>;
  producer: { name: string; version: string };
  graphName: string;
  /** Graph inputs that are not initializers: what a caller must feed. */
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** Every symbolic dimension name the inputs use, in order of first use: what a caller sets (outputs' follow). */
  symbolicDims: string[];
  /** The symbolic dimension that looks like the batch (named so, or first in every input), if any. */
  batchDim: string | null;
  initializers: InitializerInfo[];
  /** Elements of every weight tensor (initializers and Constant values, subgraphs included), int64 shape tensors excluded. */
  parameterCount: number;
  /** Node counts by domain::op_type, If/Loop/Scan bodies included, most frequent first. */
  operators: OperatorCount[];
  nodeCount: number;
  customDomains: CustomDomain[];
  /** What makes the model unfit to load as it is (external data, initializers that disagree with their bytes, custom ops). */
  problems: InspectProblem[];
  flops: FlopsEstimate;
}

export interface InspectOptions {
  /** Values for symbolic dimensions; the batch dimension defaults to 1, the count being per item. */
  dims?: Record<string, number>;
}

const DEFAULT_DOMAIN = "ai.onnx";
const STANDARD_DOMAINS = new Set(["", DEFAULT_DOMAIN, "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training"]);
/** Domains onnxruntime registers kernels for itself (contrib and internal layout ops). */
export const ONNXRUNTIME_DOMAINS: ReadonlySet<string> = new Set(["com.microsoft", "com.microsoft.nchwc", "com.microsoft.mlfeaturizers", "com.ms.internal.nhwc"]);

const DataType = onnx.TensorProto.DataType;
/** onnxruntime-web's names, so a signature can build a feed directly. */
const ELEMENT_TYPES: Record<number, { name: string; bytes: number | null }> = {
  [DataType.FLOAT]: { name: "float32", bytes: 4 },
  [DataType.UINT8]: { name: "uint8", bytes: 1 },
  [DataType.INT8]: { name: "int8", bytes: 1 },
  [DataType.UINT16]: { name: "uint16", bytes: 2 },
  [DataType.INT16]: { name: "int16", bytes: 2 },
  [DataType.INT32]: { name: "int32", bytes: 4 },
  [DataType.INT64]: { name: "int64", bytes: 8 },
  [DataType.STRING]: { name: "string", bytes: null },
  [DataType.BOOL]: { name: "bool", bytes: 1 },
  [DataType.FLOAT16]: { name: "float16", bytes: 2 },
  [DataType.DOUBLE]: { name: "float64", bytes: 8 },
  [DataType.UINT32]: { name: "uint32", bytes: 4 },
  [DataType.UINT64]: { name: "uint64", bytes: 8 },
  [DataType.COMPLEX64]: { name: "complex64", bytes: 8 },
  [DataType.COMPLEX128]: { name: "complex128", bytes: 16 },
  [DataType.BFLOAT16]: { name: "bfloat16", bytes: 2 },
};

export function elementTypeName(code: number | null | undefined): string {
  return ELEMENT_TYPES[code ?? 0]?.name ?? `unknown(${code ?? 0})`;
}

// ---------------------------------------------------------------------------
// Telling a broken file from a model, before protobufjs reads it: protobufjs either
// throws a bare "index out of range" or skips what it does not know, which cannot
// tell a truncated download from a text file or from a different message.

type WireType = 0 | 1 | 2 | 5;
/** ModelProto's fields and their wire types (onnx.proto; 26 is a newer optional field). */
const MODEL_FIELDS = new Map<number, WireType>([
  [1, 0], [2, 2], [3, 2], [4, 2], [5, 0], [6, 2], [7, 2], [8, 2], [14, 2], [20, 2], [25, 2], [26, 2],
]);
const MODEL_FIELD_NAMES: Record<number, string> = { 1: "ir_version", 7: "graph", 8: "opset_import" };

type ScanResult =
  | { kind: "ok"; fields: Set<number> }
  | { kind: "truncated"; field: number; at: number }
  | { kind: "invalid"; at: number; why: string }
  | { kind: "foreign"; field: number; wireType: number };

function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at + i >= bytes.length) return null;
    const byte = bytes[at + i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
  }
  return { value: Number.NaN, next: at + 10 };
}

/** Walks one message's top-level fields; with `schema`, also checks they are that message's. */
function scan(bytes: Uint8Array, schema?: ReadonlyMap<number, WireType>): ScanResult {
  const fields = new Set<number>();
  let at = 0;
  while (at < bytes.length) {
    const tag = readVarint(bytes, at);
    if (!tag) return { kind: "truncated", field: 0, at };
    if (Number.isNaN(tag.value)) return { kind: "invalid", at, why: "a field tag longer than ten bytes" };
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (field === 0) return { kind: "invalid", at, why: "field number 0" };
    if (wireType !== 0 && wireType !== 1 && wireType !== 2 && wireType !== 5) return { kind: "invalid", at, why: `wire type ${wireType}` };
    if (schema && schema.get(field) !== wireType) return { kind: "foreign", field, wireType };
    fields.add(field);
    at = tag.next;
    if (wireType === 0) {
      const value = readVarint(bytes, at);
      if (!value) return { kind: "truncated", field, at };
      if (Number.isNaN(value.value)) return { kind: "invalid", at, why: "a number longer than ten bytes" };
      at = value.next;
    } else if (wireType === 2) {
      const length = readVarint(bytes, at);
      if (!length) return { kind: "truncated", field, at };
      if (Number.isNaN(length.value)) return { kind: "invalid", at, why: "a length longer than ten bytes" };
      at = length.next + length.value;
    } else {
      at += wireType === 1 ? 8 : 4;
    }
    if (at > bytes.length) return { kind: "truncated", field, at };
  }
  return { kind: "ok", fields };
}

function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096);
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(head);
    // A cut in the middle of a multi-byte character is still text.
    return !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text);
  } catch {
    return false;
  }
}

const formatBytes = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`);

function classify(bytes: Uint8Array): InspectFailure | null {
  if (bytes.length === 0) return { ok: false, code: "empty", reason: "The file is empty (0 bytes)." };
  if (looksLikeText(bytes)) {
    return { ok: false, code: "not-protobuf", reason: "The file is text, not an ONNX model (ONNX files are binary protobuf)." };
  }
  const asModel = scan(bytes, MODEL_FIELDS);
  if (asModel.kind === "ok") return null;
  if (asModel.kind === "truncated") {
    const field = MODEL_FIELD_NAMES[asModel.field] ?? `field ${asModel.field}`;
    return {
      ok: false,
      code: "truncated",
      reason: `The file ends early: its ${field} runs past the last of its ${formatBytes(bytes.length)} (an interrupted download or copy?).`,
    };
  }
  if (asModel.kind === "foreign" && scan(bytes).kind === "ok") {
    return {
      ok: false,
      code: "wrong-message",
      reason: `The file is protobuf but not an ONNX model: field ${asModel.field} (wire type ${asModel.wireType}) is not part of an ONNX ModelProto. It may be a bare graph, tensor or another format's file.`,
    };
  }
  return { ok: false, code: "not-protobuf", reason: "The file is not protobuf, so not an ONNX model (its bytes do not form protobuf fields)." };
}

// ---------------------------------------------------------------------------

function signatureOf(info: onnx.IValueInfoProto): TensorSignature {
  const tensorType = info.type?.tensorType;
  const shape = tensorType?.shape
    ? (tensorType.shape.dim ?? []).map((d): Dimension => {
        if (d.dimParam) return d.dimParam;
        // Decoded messages name the oneof member that was set; a zero default is not a size.
        const setMember = (d as onnx.TensorShapeProto.Dimension).value;
        if (d.dimValue !== null && d.dimValue !== undefined && (setMember === "dimValue" || toNumber(d.dimValue) !== 0)) return toNumber(d.dimValue);
        return null;
      })
    : null;
  return { name: info.name ?? "", elementType: tensorType ? elementTypeName(tensorType.elemType) : "unknown(not a tensor)", shape };
}

/** Elements present in whichever typed field holds a tensor's values. */
function typedFieldElements(t: onnx.ITensorProto): number {
  const lengths = [t.floatData, t.int32Data, t.int64Data, t.doubleData, t.uint64Data].map((a) => a?.length ?? 0);
  const complex = t.dataType === DataType.COMPLEX64 || t.dataType === DataType.COMPLEX128;
  // Complex values take two entries each (real, imaginary).
  return Math.max(...lengths) / (complex ? 2 : 1);
}

function initializerInfo(t: onnx.ITensorProto): InitializerInfo {
  const dims = dimsOf(t);
  const type = ELEMENT_TYPES[t.dataType ?? 0];
  const external = t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;
  const externalData = Object.fromEntries((t.externalData ?? []).map((e) => [e.key ?? "", e.value ?? ""]));
  const declaredBytes = type?.bytes ? product(dims) * type.bytes : null;
  let presentBytes = 0;
  if (!external) {
    if (t.rawData && t.rawData.length > 0) presentBytes = t.rawData.length;
    else if (t.dataType === DataType.STRING) presentBytes = (t.stringData ?? []).reduce((sum, s) => sum + s.length, 0);
    else presentBytes = typedFieldElements(t) * (type?.bytes ?? 0);
  }
  return { name: t.name ?? "", elementType: elementTypeName(t.dataType), dims, declaredBytes, presentBytes, location: external ? "external" : "internal", externalData };
}

function subgraphsOf(n: onnx.INodeProto): onnx.IGraphProto[] {
  return (n.attribute ?? []).flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]);
}

function walkGraphs(graph: onnx.IGraphProto, visit: (g: onnx.IGraphProto) => void): void {
  visit(graph);
  for (const n of graph.node ?? []) for (const sub of subgraphsOf(n)) walkGraphs(sub, visit);
}

const BATCH_NAMES = /^(batch|batch_?size|n|b|bs|num_?batch(es)?)$/i;

function findBatchDim(inputs: TensorSignature[]): string | null {
  const named = inputs.flatMap((i) => i.shape ?? []).find((d): d is string => typeof d === "string" && BATCH_NAMES.test(d));
  if (named) return named;
  const leading = inputs.map((i) => i.shape?.[0]);
  const first = leading[0];
  return typeof first === "string" && leading.every((d) => d === first) ? first : null;
}

// Shapes that follow from their inputs for the operators simple models are made of; anything
// else keeps the shape the file records in value_info, or none.
const SAME_SHAPE_OPS = new Set([
  "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Gelu", "Erf", "Softmax", "LogSoftmax", "Identity", "Dropout", "Cast", "Clip", "Exp", "Log", "Sqrt",
  "Neg", "Abs", "BatchNormalization", "LayerNormalization", "HardSigmoid", "HardSwish", "Elu", "Selu", "Softplus", "QuantizeLinear", "DequantizeLinear",
]);
const BROADCAST_OPS = new Set(["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Where"]);

function broadcast(shapes: ReadonlyArray<readonly number[]>): number[] | undefined {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const sizes = shapes.map((s) => s[s.length - rank + i] ?? 1);
    const big = Math.max(...sizes);
    if (sizes.some((d) => d !== 1 && d !== big)) return undefined;
    out.push(big);
  }
  return out;
}

function inferredShape(n: onnx.INodeProto, shapeOf: (name: string) => number[] | undefined): number[] | undefined {
  const op = n.opType ?? "";
  // Some exporters (Paddle's) store weights as Constant nodes rather than initializers.
  if (op === "Constant") {
    const value = n.attribute?.find((x) => x.name === "value")?.t;
    return value ? dimsOf(value) : undefined;
  }
  const inputs = (n.input ?? []).filter((name) => name !== "").map(shapeOf);
  const [a, b] = inputs;
  if (SAME_SHAPE_OPS.has(op)) return a;
  if (BROADCAST_OPS.has(op)) return inputs.every((s) => s) ? broadcast(inputs as number[][]) : undefined;
  if ((op === "GlobalAveragePool" || op === "GlobalMaxPool") && a) return [a[0]!, a[1]!, ...a.slice(2).map(() => 1)];
  if (op === "Flatten" && a) {
    const axis = toNumber(n.attribute?.find((x) => x.name === "axis")?.i ?? 1);
    const at = axis < 0 ? a.length + axis : axis;
    return [product(a.slice(0, at)), product(a.slice(at))];
  }
  if ((op === "MaxPool" || op === "AveragePool") && a && a.length >= 3) {
    const kernel = n.attribute?.find((x) => x.name === "kernel_shape")?.ints?.map(toNumber);
    return kernel ? windowedShape(n, a, kernel, a[1]!) : undefined;
  }
  if (!a || !b) return undefined;
  if (op === "MatMul" || op === "MatMulInteger") {
    if (a.length < 1 || b.length < 1) return undefined;
    const aMatrix = a.length === 1 ? [1, a[0]!] : a;
    const bMatrix = b.length === 1 ? [b[0]!, 1] : b;
    if (aMatrix.at(-1) !== bMatrix.at(-2)) return undefined;
    const batch = broadcast([aMatrix.slice(0, -2), bMatrix.slice(0, -2)]);
    if (!batch) return undefined;
    return [...batch, ...(a.length === 1 ? [] : [aMatrix.at(-2)!]), ...(b.length === 1 ? [] : [bMatrix.at(-1)!])];
  }
  if (op === "Gemm") {
    const transA = n.attribute?.find((x) => x.name === "transA")?.i;
    const transB = n.attribute?.find((x) => x.name === "transB")?.i;
    if (a.length !== 2 || b.length !== 2) return undefined;
    return [toNumber(transA ?? 0) ? a[1]! : a[0]!, toNumber(transB ?? 0) ? b[0]! : b[1]!];
  }
  if (op === "Conv" && a.length >= 3 && b.length === a.length) return windowedShape(n, a, b.slice(2), b[0]!);
  return undefined;
}

/** Output shape of a sliding window (Conv, pooling) with explicit pads; auto_pad other than NOTSET is not inferred. */
function windowedShape(n: onnx.INodeProto, a: number[], kernel: number[], channels: number): number[] | undefined {
  const attr = (name: string) => n.attribute?.find((x) => x.name === name)?.ints?.map(toNumber);
  if (n.attribute?.some((x) => x.name === "auto_pad" && x.s && new TextDecoder().decode(x.s) !== "NOTSET")) return undefined;
  if (n.attribute?.some((x) => x.name === "ceil_mode" && toNumber(x.i) !== 0)) return undefined;
  const spatial = a.length - 2;
  if (kernel.length !== spatial) return undefined;
  const strides = attr("strides") ?? Array(spatial).fill(1);
  const dilations = attr("dilations") ?? Array(spatial).fill(1);
  const pads = attr("pads") ?? Array(spatial * 2).fill(0);
  const sizes = kernel.map((k, i) => Math.floor((a[i + 2]! + pads[i]! + pads[i + spatial]! - dilations[i]! * (k - 1) - 1) / strides[i]!) + 1);
  return [a[0]!, channels, ...sizes];
}

function estimateFlops(graph: onnx.IGraphProto, inputs: TensorSignature[], symbolicDims: string[], batchDim: string | null, given: Record<string, number>): FlopsEstimate {
  const heavy = (graph.node ?? []).filter((n) => HEAVY_OPS.has(n.opType ?? ""));
  let nested = false;
  for (const n of graph.node ?? []) for (const sub of subgraphsOf(n)) walkGraphs(sub, (g) => (nested ||= (g.node ?? []).some((m) => HEAVY_OPS.has(m.opType ?? ""))));
  if (nested) return { counted: false, reason: "Some matrix products or convolutions sit inside If/Loop/Scan bodies, which run a number of times that depends on the data." };
  if (heavy.length === 0) return { counted: false, reason: "The model has no Conv, MatMul or Gemm, the operators this count covers." };
  const dims: Record<string, number> = {};
  for (const name of symbolicDims) {
    const value = given[name] ?? (name === batchDim ? 1 : undefined);
    if (value === undefined) return { counted: false, reason: `The work depends on the symbolic dimension "${name}"; give it a value to count FLOPs.` };
    dims[name] = value;
  }
  const known = new Map<string, number[]>();
  const resolve = (sig: TensorSignature): number[] | undefined =>
    sig.shape && sig.shape.every((d) => d !== null) ? sig.shape.map((d) => (typeof d === "string" ? (dims[d] ?? Number.NaN) : d!)).filter((d) => !Number.isNaN(d)) : undefined;
  for (const t of graph.initializer ?? []) known.set(t.name ?? "", dimsOf(t));
  for (const sig of [...inputs, ...(graph.valueInfo ?? []).map(signatureOf), ...(graph.output ?? []).map(signatureOf)]) {
    const shape = resolve(sig);
    // A value_info dimension named by a symbol the inputs do not use cannot be resolved: leave it to inference.
    if (shape && shape.length === sig.shape!.length && !known.has(sig.name)) known.set(sig.name, shape);
  }
  for (const n of graph.node ?? []) {
    const name = n.output?.[0];
    if (!name || known.has(name)) continue;
    const shape = inferredShape(n, (x) => known.get(x));
    if (shape) known.set(name, shape);
  }
  const counted = countFromShapes(heavy, (name) => known.get(name));
  if ("missing" in counted) {
    return {
      counted: false,
      reason: `The shape of "${counted.missing}" (used by ${counted.node.opType} ${counted.node.name ?? ""}) does not follow from the file without running it; run the model once to count FLOPs.`,
    };
  }
  const batch = batchDim ? dims[batchDim] ?? 1 : 1;
  const byOp = Object.fromEntries(Object.entries(counted.byOp).map(([op, f]) => [op, f / batch]));
  return { counted: true, flopsPerItem: counted.flops / batch, byOp, dims };
}

export function inspectOnnx(bytes: Uint8Array, options: InspectOptions = {}): OnnxInspection | InspectFailure {
  const failure = classify(bytes);
  if (failure) return failure;
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    return { ok: false, code: "corrupt", reason: `The file looks like an ONNX model but a part of it is damaged (${(error as Error).message}).` };
  }
  const graph = model.graph;
  if (!graph) return { ok: false, code: "no-graph", reason: "The file is an ONNX ModelProto without a graph, so there is nothing to run." };

  const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !initializerNames.has(i.name)).map(signatureOf);
  const outputs = (graph.output ?? []).map(signatureOf);
  const symbolicDims = [...new Set(inputs.flatMap((s) => (s.shape ?? []).filter((d): d is string => typeof d === "string")))];
  const batchDim = findBatchDim(inputs);

  const initializers: InitializerInfo[] = [];
  const counts = new Map<string, OperatorCount>();
  let nodeCount = 0;
  walkGraphs(graph, (g) => {
    initializers.push(...(g.initializer ?? []).map(initializerInfo));
    for (const n of g.node ?? []) {
      nodeCount++;
      const domain = n.domain || DEFAULT_DOMAIN;
      const key = `${domain}::${n.opType ?? ""}`;
      const entry = counts.get(key) ?? { key, domain, opType: n.opType ?? "", count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
  });
  const operators = [...counts.values()].sort((x, y) => y.count - x.count || x.key.localeCompare(y.key));

  const localFunctionDomains = new Set((model.functions ?? []).map((f) => f.domain ?? ""));
  const customDomains = [...new Set(operators.map((o) => o.domain))]
    .filter((d) => !STANDARD_DOMAINS.has(d) && !localFunctionDomains.has(d))
    .sort()
    .map((domain) => ({ domain, knownToOnnxruntime: ONNXRUNTIME_DOMAINS.has(domain) }));

  const problems: InspectProblem[] = [];
  const external = initializers.filter((t) => t.location === "external");
  if (external.length > 0) {
    const files = [...new Set(external.map((t) => t.externalData.location ?? "?"))];
    problems.push({
      code: "external-data",
      message: `${external.length} weight tensor(s) live in separate file(s) (${files.join(", ")}) beside the .onnx; only a single self-contained file can be loaded.`,
    });
  }
  for (const t of initializers) {
    if (t.location === "external" || t.declaredBytes === null || t.declaredBytes === t.presentBytes) continue;
    const short = t.presentBytes < t.declaredBytes;
    problems.push({
      code: short ? "initializer-too-short" : "initializer-too-long",
      message: `Initializer "${t.name}" declares ${t.dims.join("×") || "a scalar"} ${t.elementType} (${t.declaredBytes} bytes) but the file holds ${t.presentBytes} bytes for it.`,
    });
  }
  for (const d of customDomains.filter((c) => !c.knownToOnnxruntime)) {
    problems.push({ code: "custom-domain", message: `Operators from the custom domain "${d.domain}" need a custom-op library that onnxruntime does not ship.` });
  }

  return {
    ok: true,
    sizeBytes: bytes.length,
    irVersion: toNumber(model.irVersion),
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain || DEFAULT_DOMAIN, version: toNumber(o.version) })),
    producer: { name: model.producerName ?? "", version: model.producerVersion ?? "" },
    graphName: graph.name ?? "",
    inputs,
    outputs,
    symbolicDims,
    batchDim,
    initializers,
    parameterCount: weightStats(model).parameters,
    operators,
    nodeCount,
    customDomains,
    problems,
    flops: estimateFlops(graph, inputs, symbolicDims, batchDim, options.dims ?? {}),
  };
}
