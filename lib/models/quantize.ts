/**
 * An int8 quantizer for ONNX graphs, written over onnx-proto because no npm
 * package quantizes ONNX. Three methods (see docs/decisions/0004-quantization.md):
 *  - weight-only: int8 weights, per output channel, behind DequantizeLinear;
 *  - dynamic: MatMul → DynamicQuantizeLinear + MatMulInteger (activation range per call);
 *  - static QDQ: Quantize/DequantizeLinear pairs around Conv/MatMul with activation
 *    ranges calibrated on real data, which onnxruntime fuses to QLinearConv/QLinearMatMul.
 * Pure functions from model to model; calibration runs live in calibrate.server.ts.
 */
import { asModel, encodeProto, DataType, dimsOf, elementCount, floatValues, intAttribute, type Model, type Node, node, type onnx, tensor, toNumber } from "./onnx-builder";

export interface QuantizeOptions {
  /** Node names left in fp32. */
  excludeNodes?: readonly string[];
  /** Op types left in fp32 (e.g. ["Conv"] to quantize only a transformer's MatMuls). */
  excludeOpTypes?: readonly string[];
}

export interface ActivationRange {
  min: number;
  max: number;
}

const MS_DOMAIN = "com.microsoft";

/** What quantize* did, for logs and the decision record's figures. */
export interface QuantizeReport {
  quantizedNodes: string[];
  skippedNodes: string[];
}

function clone(model: onnx.IModelProto | Model): Model {
  return asModel(model as onnx.IModelProto | Model);
}

function opsetOf(model: onnx.IModelProto | Model): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === "ai.onnx");
  return entry ? toNumber(entry.version) : 1;
}

/**
 * PaddleOCR exports keep weights in Constant nodes rather than initializers; the
 * quantizer treats both alike by turning every tensor Constant into an initializer.
 */
export function constantsToInitializers(model: Model): void {
  const graph = model.graph;
  const kept: Node[] = [];
  for (const n of graph.node) {
    const value = n.opType === "Constant" && n.attribute.length === 1 && n.attribute[0]!.name === "value" ? n.attribute[0]!.t : undefined;
    if (value && n.output.length === 1) graph.initializer.push({ ...value, name: n.output[0]! });
    else kept.push(n);
  }
  graph.node = kept;
}

/**
 * Rewrites opset-9/10 Slice and Clip (bounds as attributes) into their opset-11
 * form (bounds as inputs) and declares opset 11, the lowest with
 * DynamicQuantizeLinear. Every other op in the PaddleOCR graphs means the same at 11.
 */
export function upgradeToOpset11(model: Model): void {
  const current = opsetOf(model);
  if (current >= 11) return;
  const graph = model.graph;
  const supported = new Set(["Slice", "Clip", "Conv", "BatchNormalization", "Mul", "Add", "Div", "Sub", "Pow", "Sqrt", "Relu", "HardSigmoid", "Sigmoid", "GlobalAveragePool", "AveragePool", "MaxPool", "Shape", "Cast", "Concat", "Reshape", "Transpose", "ReduceMean", "MatMul", "Squeeze", "Softmax", "Constant", "Identity", "Gemm", "Flatten", "Unsqueeze"]);
  for (const n of graph.node) {
    if (!supported.has(n.opType)) throw new Error(`cannot upgrade ${n.opType} (node ${n.name}) from opset ${current} to 11`);
    const attr = (name: string) => n.attribute.find((a) => a.name === name);
    if (n.opType === "Slice" && n.input.length === 1) {
      const ints = (name: string) => BigInt64Array.from((attr(name)?.ints ?? []).map((v) => BigInt(toNumber(v))));
      for (const name of ["starts", "ends", "axes"]) {
        const values = ints(name);
        if (name === "axes" && values.length === 0) continue;
        graph.initializer.push(tensor(`${n.name}_${name}`, values, [values.length]));
        n.input.push(`${n.name}_${name}`);
      }
      n.attribute = [];
    }
    if (n.opType === "Clip" && n.input.length === 1) {
      const min = attr("min")?.f ?? -3.4028234663852886e38;
      const max = attr("max")?.f ?? 3.4028234663852886e38;
      graph.initializer.push(tensor(`${n.name}_min`, Float32Array.of(min), []), tensor(`${n.name}_max`, Float32Array.of(max), []));
      n.input.push(`${n.name}_min`, `${n.name}_max`);
      n.attribute = [];
    }
  }
  model.opsetImport = model.opsetImport.filter((o) => o.domain && o.domain !== "ai.onnx");
  model.opsetImport.push({ domain: "", version: 11 });
}

function ensureMsDomain(model: Model): void {
  if (!model.opsetImport.some((o) => o.domain === MS_DOMAIN)) model.opsetImport.push({ domain: MS_DOMAIN, version: 1 });
}

/**
 * Per-axis Quantize/DequantizeLinear arrived in opset 13; older graphs use
 * onnxruntime's com.microsoft versions of the same ops rather than an opset
 * bump, which would change the meaning of their Slice, Squeeze and Softmax nodes.
 */
function qdqDomain(model: Model): string {
  if (opsetOf(model) >= 13) return "";
  ensureMsDomain(model);
  return MS_DOMAIN;
}

interface SymmetricInt8 {
  values: Int8Array;
  scales: Float32Array;
}

/** Symmetric int8 (zero point 0, range ±127) per slice along `axis`: what onnxruntime's int8 kernels expect of weights. */
export function quantizeSymmetric(weights: Float32Array, dims: readonly number[], axis: number | null): SymmetricInt8 {
  const channels = axis === null ? 1 : dims[axis]!;
  const inner = axis === null ? weights.length : elementCount(dims.slice(axis + 1));
  const channelOf = (i: number) => (axis === null ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < weights.length; i += 1) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(weights[i]!));
  }
  const scales = Float32Array.from(maxAbs, (m) => (m > 0 ? m / 127 : 1));
  const values = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i += 1) values[i] = Math.max(-127, Math.min(127, Math.round(weights[i]! / scales[channelOf(i)]!)));
  return { values, scales };
}

/** uint8 scale and zero point covering [min, max] and always 0 (so zero padding stays exact). */
export function activationQuantParams({ min, max }: ActivationRange): { scale: number; zeroPoint: number } {
  const low = Math.min(0, min);
  const high = Math.max(0, max);
  const scale = high > low ? (high - low) / 255 : 1;
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-low / scale))) };
}

interface Target {
  node: Node;
  weightName: string;
  /** Axis of the weight that indexes output channels. */
  axis: number;
}

/** Conv and MatMul nodes whose weight is a float initializer, minus exclusions. */
function findTargets(model: Model, opTypes: readonly string[], options: QuantizeOptions, report: QuantizeReport): Target[] {
  const graph = model.graph;
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const targets: Target[] = [];
  for (const n of graph.node) {
    if (!opTypes.includes(n.opType)) continue;
    const weightName = n.input[1];
    const weight = weightName ? initializers.get(weightName) : undefined;
    const eligible = weight && weight.dataType === DataType.FLOAT && (n.opType === "Conv" || dimsOf(weight).length === 2);
    if (!eligible || options.excludeOpTypes?.includes(n.opType) || options.excludeNodes?.includes(n.name)) {
      if (eligible) report.skippedNodes.push(n.name);
      continue;
    }
    targets.push({ node: n, weightName: weightName!, axis: n.opType === "Conv" ? 0 : 1 });
  }
  return targets;
}

function nameNodes(model: Model): void {
  model.graph.node.forEach((n, i) => {
    if (!n.name) n.name = `${n.opType}_${i}`;
  });
}

function replaceInitializer(model: Model, name: string, replacements: ReturnType<typeof tensor>[]): void {
  const graph = model.graph;
  graph.initializer = graph.initializer.filter((t) => t.name !== name);
  graph.initializer.push(...replacements);
}

/** Inserts `newNodes` before the first node that consumes any of their outputs, keeping the graph topologically sorted. */
function insertBefore(model: Model, consumer: Node, newNodes: Node[]): void {
  const nodes = model.graph.node;
  const index = nodes.indexOf(consumer);
  nodes.splice(index, 0, ...newNodes);
}

/** (a) Weight-only int8: each Conv/MatMul weight becomes int8 + per-channel scales behind a DequantizeLinear with the old name. */
export function quantizeWeightOnly(source: onnx.IModelProto | Model, options: QuantizeOptions = {}): { model: Model; report: QuantizeReport } {
  const model = clone(source);
  constantsToInitializers(model);
  nameNodes(model);
  const report: QuantizeReport = { quantizedNodes: [], skippedNodes: [] };
  const domain = qdqDomain(model);
  const initializers = new Map(model.graph.initializer.map((t) => [t.name, t]));
  const done = new Set<string>();
  for (const target of findTargets(model, ["Conv", "MatMul"], options, report)) {
    report.quantizedNodes.push(target.node.name);
    if (done.has(target.weightName)) continue;
    done.add(target.weightName);
    const weight = initializers.get(target.weightName)!;
    const dims = dimsOf(weight);
    const { values, scales } = quantizeSymmetric(floatValues(weight), dims, target.axis);
    const base = target.weightName;
    replaceInitializer(model, base, [
      tensor(`${base}_quantized`, values, dims),
      tensor(`${base}_scale`, scales, [scales.length]),
      tensor(`${base}_zero_point`, new Int8Array(scales.length), [scales.length]),
    ]);
    const dq = node("DequantizeLinear", [`${base}_quantized`, `${base}_scale`, `${base}_zero_point`], [base], [intAttribute("axis", target.axis)], `${base}_DequantizeLinear`);
    dq.domain = domain;
    model.graph.node.unshift(dq);
  }
  return { model, report };
}

/**
 * (b) Dynamic int8 MatMul: the activation is quantized per call from its own
 * range (DynamicQuantizeLinear), the weight ahead of time per column; MatMulInteger
 * multiplies in int8/int32 and one Mul rescales. No calibration data needed.
 */
export function quantizeDynamicMatMul(source: onnx.IModelProto | Model, options: QuantizeOptions = {}): { model: Model; report: QuantizeReport } {
  const model = clone(source);
  constantsToInitializers(model);
  nameNodes(model);
  upgradeToOpset11(model);
  const report: QuantizeReport = { quantizedNodes: [], skippedNodes: [] };
  const initializers = new Map(model.graph.initializer.map((t) => [t.name, t]));
  for (const target of findTargets(model, ["MatMul"], options, report)) {
    const n = target.node;
    const weight = initializers.get(target.weightName)!;
    const dims = dimsOf(weight);
    const { values, scales } = quantizeSymmetric(floatValues(weight), dims, 1);
    const prefix = n.name;
    const activation = n.input[0]!;
    const output = n.output[0]!;
    model.graph.initializer.push(
      tensor(`${prefix}_weight_quantized`, values, dims),
      tensor(`${prefix}_weight_scale`, scales, [scales.length]),
      tensor(`${prefix}_weight_zero_point`, Int8Array.of(0), []),
    );
    const replacement = [
      node("DynamicQuantizeLinear", [activation], [`${prefix}_a_quantized`, `${prefix}_a_scale`, `${prefix}_a_zero_point`], [], `${prefix}_DynamicQuantizeLinear`),
      node("MatMulInteger", [`${prefix}_a_quantized`, `${prefix}_weight_quantized`, `${prefix}_a_zero_point`, `${prefix}_weight_zero_point`], [`${prefix}_int32`], [], `${prefix}_MatMulInteger`),
      node("Cast", [`${prefix}_int32`], [`${prefix}_float`], [intAttribute("to", DataType.FLOAT)], `${prefix}_Cast`),
      node("Mul", [`${prefix}_a_scale`, `${prefix}_weight_scale`], [`${prefix}_scale`], [], `${prefix}_ScaleMul`),
      node("Mul", [`${prefix}_float`, `${prefix}_scale`], [output], [], `${prefix}_Rescale`),
    ];
    const nodes = model.graph.node;
    nodes.splice(nodes.indexOf(n), 1, ...replacement);
    report.quantizedNodes.push(n.name);
  }
  dropUnusedInitializers(model);
  return { model, report };
}

function dropUnusedInitializers(model: Model): void {
  const used = new Set<string>();
  for (const n of model.graph.node) for (const input of n.input) used.add(input);
  for (const o of model.graph.output) used.add(o.name);
  model.graph.initializer = model.graph.initializer.filter((t) => used.has(t.name));
}

/** The activations static quantization needs ranges for: inputs and outputs of every Conv/MatMul it will quantize. */
export function calibrationTensors(source: onnx.IModelProto | Model, options: QuantizeOptions = {}): string[] {
  const model = clone(source);
  constantsToInitializers(model);
  nameNodes(model);
  const names = new Set<string>();
  for (const target of findTargets(model, ["Conv", "MatMul"], options, { quantizedNodes: [], skippedNodes: [] })) {
    names.add(target.node.input[0]!);
    names.add(target.node.output[0]!);
  }
  return [...names];
}

/** A copy of the model that also outputs the named intermediate tensors, for recording their ranges. */
export function withIntermediateOutputs(source: onnx.IModelProto | Model, names: readonly string[]): Uint8Array {
  const model = clone(source);
  const existing = new Set(model.graph.output.map((o) => o.name));
  for (const name of names) {
    if (existing.has(name)) continue;
    model.graph.output.push({ name, type: { tensorType: { elemType: DataType.FLOAT } } });
  }
  return encodeProto(model);
}

/**
 * (c) Static QDQ: uint8 Quantize→Dequantize pairs on each quantized node's input
 * and output with calibrated ranges, int8 per-channel weights and int32 biases
 * behind DequantizeLinear. onnxruntime recognizes DQ→Conv→Q and runs QLinearConv.
 */
export function quantizeStaticQdq(source: onnx.IModelProto | Model, ranges: ReadonlyMap<string, ActivationRange>, options: QuantizeOptions = {}): { model: Model; report: QuantizeReport } {
  const model = clone(source);
  constantsToInitializers(model);
  nameNodes(model);
  const report: QuantizeReport = { quantizedNodes: [], skippedNodes: [] };
  const domain = qdqDomain(model);
  const graph = model.graph;
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const dequantized = new Map<string, string>(); // activation tensor → its DQ output
  const paramsOf = (name: string) => activationQuantParams(ranges.get(name)!);
  const qdqPair = (name: string, output: string, input: string): Node[] => {
    const { scale, zeroPoint } = paramsOf(name);
    graph.initializer.push(tensor(`${name}_act_scale`, Float32Array.of(scale), []), tensor(`${name}_act_zero_point`, Uint8Array.of(zeroPoint), []));
    const q = node("QuantizeLinear", [input, `${name}_act_scale`, `${name}_act_zero_point`], [`${name}_quantized`], [], `${name}_QuantizeLinear`);
    const dq = node("DequantizeLinear", [`${name}_quantized`, `${name}_act_scale`, `${name}_act_zero_point`], [output], [], `${name}_DequantizeLinear`);
    q.domain = domain;
    dq.domain = domain;
    return [q, dq];
  };

  for (const target of findTargets(model, ["Conv", "MatMul"], options, report)) {
    const n = target.node;
    const input = n.input[0]!;
    const output = n.output[0]!;
    if (!ranges.has(input) || !ranges.has(output)) {
      report.skippedNodes.push(n.name);
      continue;
    }
    if (!dequantized.has(input)) {
      dequantized.set(input, `${input}_dequantized`);
      insertBefore(model, n, qdqPair(input, `${input}_dequantized`, input));
    }
    n.input[0] = dequantized.get(input)!;

    // MatMul weights per tensor: QLinearMatMul's fused kernel takes one weight scale.
    const weight = initializers.get(target.weightName)!;
    const dims = dimsOf(weight);
    const axis = n.opType === "Conv" ? 0 : null;
    const { values, scales } = quantizeSymmetric(floatValues(weight), dims, axis);
    const wName = `${n.name}_weight`;
    graph.initializer.push(
      tensor(`${wName}_quantized`, values, dims),
      tensor(`${wName}_scale`, scales, axis === null ? [] : [scales.length]),
      tensor(`${wName}_zero_point`, new Int8Array(scales.length), axis === null ? [] : [scales.length]),
    );
    const weightDq = node("DequantizeLinear", [`${wName}_quantized`, `${wName}_scale`, `${wName}_zero_point`], [`${wName}_dequantized`], axis === null ? [] : [intAttribute("axis", axis)], `${wName}_DequantizeLinear`);
    weightDq.domain = domain;
    const added: Node[] = [weightDq];
    n.input[1] = `${wName}_dequantized`;

    const biasName = n.opType === "Conv" ? n.input[2] : undefined;
    const bias = biasName ? initializers.get(biasName) : undefined;
    if (bias && bias.dataType === DataType.FLOAT) {
      // int32 bias at scale input_scale · weight_scale: the form QLinearConv adds in its accumulator.
      const inputScale = paramsOf(input).scale;
      const biasValues = floatValues(bias);
      const biasScales = Float32Array.from(scales, (s) => s * inputScale);
      const quantizedBias = Int32Array.from(biasValues, (v, c) => Math.round(v / biasScales[c]!));
      const bName = `${n.name}_bias`;
      graph.initializer.push(
        tensor(`${bName}_quantized`, quantizedBias, [quantizedBias.length]),
        tensor(`${bName}_scale`, biasScales, [biasScales.length]),
        tensor(`${bName}_zero_point`, new Int32Array(biasScales.length), [biasScales.length]),
      );
      const biasDq = node("DequantizeLinear", [`${bName}_quantized`, `${bName}_scale`, `${bName}_zero_point`], [`${bName}_dequantized`], [intAttribute("axis", 0)], `${bName}_DequantizeLinear`);
      biasDq.domain = domain;
      added.push(biasDq);
      n.input[2] = `${bName}_dequantized`;
    }
    insertBefore(model, n, added);

    // Output: the node writes a private name; Q→DQ restores the original name for every consumer.
    const raw = `${output}_float`;
    n.output[0] = raw;
    const [q, dq] = qdqPair(output, output, raw);
    const nodes = graph.node;
    nodes.splice(nodes.indexOf(n) + 1, 0, q!, dq!);
    dequantized.set(output, output);
    report.quantizedNodes.push(n.name);
  }
  dropUnusedInitializers(model);
  return { model, report };
}
