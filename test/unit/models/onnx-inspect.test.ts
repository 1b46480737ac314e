import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { countFlops } from "@/lib/models/flops.server";
import { DataType, encodeModel, intsAttribute, node, onnx, tensor, valueInfo, type GraphParts } from "@/lib/models/onnx-builder";
import { inspectOnnx, type InspectFailure, type OnnxInspection } from "@/lib/models/onnx-inspect";

const HIDDEN = 16;
const OUT = 8;

/** Two inputs sharing a batch and a symbolic sequence length, unlike any shipped model. */
function twoInputParts(): GraphParts {
  const weights = Float32Array.from({ length: HIDDEN * OUT }, (_, i) => (i % 7) / 7);
  return {
    name: "pair-encoder",
    producer: "inspector-test",
    nodes: [node("Add", ["left", "right"], ["sum"]), node("MatMul", ["sum", "w"], ["projected"]), node("Relu", ["projected"], ["features"])],
    initializers: [tensor("w", weights, [HIDDEN, OUT])],
    inputs: [valueInfo("left", DataType.FLOAT, ["batch", "seq", HIDDEN]), valueInfo("right", DataType.FLOAT, ["batch", "seq", HIDDEN])],
    outputs: [valueInfo("features", DataType.FLOAT, ["batch", "seq", OUT])],
  };
}

function inspected(bytes: Uint8Array, dims?: Record<string, number>): OnnxInspection {
  const result = inspectOnnx(bytes, { dims });
  if (!result.ok) throw new Error(`expected a model, got ${result.code}: ${result.reason}`);
  return result;
}

function failed(bytes: Uint8Array): InspectFailure {
  const result = inspectOnnx(bytes);
  if (result.ok) throw new Error("expected a refusal, got a model");
  return result;
}

describe("inspectOnnx on a well-formed model", () => {
  const bytes = encodeModel(twoInputParts());

  it("reads the header, opsets, inputs with symbolic names and the outputs", () => {
    const model = inspected(bytes);
    expect(model.sizeBytes).toBe(bytes.length);
    expect(model.irVersion).toBe(8);
    expect(model.opsets).toEqual([{ domain: "ai.onnx", version: 17 }]);
    expect(model.producer.name).toBe("inspector-test");
    expect(model.inputs).toEqual([
      { name: "left", elementType: "float32", shape: ["batch", "seq", HIDDEN] },
      { name: "right", elementType: "float32", shape: ["batch", "seq", HIDDEN] },
    ]);
    expect(model.outputs[0]).toEqual({ name: "features", elementType: "float32", shape: ["batch", "seq", OUT] });
    expect(model.symbolicDims).toEqual(["batch", "seq"]);
    expect(model.batchDim).toBe("batch");
    expect(model.problems).toEqual([]);
  });

  it("counts parameters, initializer bytes and operators", () => {
    const model = inspected(bytes);
    expect(model.parameterCount).toBe(HIDDEN * OUT);
    expect(model.initializers).toEqual([
      { name: "w", elementType: "float32", dims: [HIDDEN, OUT], declaredBytes: HIDDEN * OUT * 4, presentBytes: HIDDEN * OUT * 4, location: "internal", externalData: {} },
    ]);
    expect(model.operators.map((o) => [o.key, o.count])).toEqual([
      ["ai.onnx::Add", 1],
      ["ai.onnx::MatMul", 1],
      ["ai.onnx::Relu", 1],
    ]);
    expect(model.customDomains).toEqual([]);
  });

  it("counts FLOPs per item only once every symbolic dimension but the batch has a value", () => {
    const unknownSeq = inspected(bytes).flops;
    expect(unknownSeq.counted).toBe(false);
    if (!unknownSeq.counted) expect(unknownSeq.reason).toContain('"seq"');
    const at10 = inspected(bytes, { seq: 10 }).flops;
    expect(at10).toMatchObject({ counted: true, flopsPerItem: 2 * 10 * HIDDEN * OUT, dims: { batch: 1, seq: 10 } });
    // Per item: a batch of 4 does four times the work and reports the same figure.
    expect(inspected(bytes, { seq: 10, batch: 4 }).flops).toMatchObject({ counted: true, flopsPerItem: 2 * 10 * HIDDEN * OUT });
  });

  it("agrees with the server's run-based count on a convolution and a Gemm", async () => {
    const convWeights = Float32Array.from({ length: 4 * 3 * 3 * 3 }, (_, i) => Math.sin(i));
    const gemmWeights = Float32Array.from({ length: 4 * 8 * 8 * 10 }, (_, i) => Math.cos(i));
    const conv = encodeModel({
      name: "conv-gemm",
      nodes: [
        node("Conv", ["image", "k"], ["maps"], [intsAttribute("pads", [1, 1, 1, 1]), intsAttribute("strides", [1, 1])]),
        node("Relu", ["maps"], ["activated"]),
        node("Reshape", ["activated", "flat_shape"], ["flat"]),
        node("Gemm", ["flat", "g"], ["logits"]),
      ],
      initializers: [tensor("k", convWeights, [4, 3, 3, 3]), tensor("g", gemmWeights, [4 * 8 * 8, 10]), tensor("flat_shape", BigInt64Array.from([-1n, 256n]), [2])],
      inputs: [valueInfo("image", DataType.FLOAT, ["N", 3, 8, 8])],
      outputs: [valueInfo("logits", DataType.FLOAT, ["N", 10])],
    });
    // Reshape's output follows from a tensor's values, which the static count does not read: the file must record it.
    const withoutValueInfo = inspected(conv).flops;
    expect(withoutValueInfo.counted).toBe(false);
    if (!withoutValueInfo.counted) expect(withoutValueInfo.reason).toContain('"flat"');

    const decoded = onnx.ModelProto.decode(conv);
    decoded.graph!.valueInfo = [valueInfo("flat", DataType.FLOAT, ["N", 4 * 8 * 8])] as onnx.ValueInfoProto[];
    const annotated = onnx.ModelProto.encode(decoded).finish();
    const fromFile = inspected(annotated).flops;
    const fromRun = await countFlops(annotated, { image: new ort.Tensor("float32", new Float32Array(3 * 8 * 8), [1, 3, 8, 8]) });
    expect(fromFile.counted).toBe(true);
    if (fromFile.counted) {
      expect(fromFile.flopsPerItem).toBe(fromRun.flops);
      expect(fromFile.byOp).toEqual(fromRun.byOp);
    }
    expect(fromRun.byOp.Conv).toBe(2 * 4 * 8 * 8 * 3 * 3 * 3);
  });

  it("follows shapes through pooling and Flatten, and agrees with the run-based count", async () => {
    const bytes = encodeModel({
      name: "conv-pool",
      nodes: [
        node("Conv", ["image", "k"], ["maps"], [intsAttribute("pads", [1, 1, 1, 1])]),
        node("MaxPool", ["maps"], ["pooled"], [intsAttribute("kernel_shape", [2, 2]), intsAttribute("strides", [2, 2])]),
        node("Conv", ["pooled", "k2"], ["maps2"]),
        node("GlobalAveragePool", ["maps2"], ["gap"]),
        node("Flatten", ["gap"], ["flat"]),
        node("Gemm", ["flat", "g"], ["logits"]),
      ],
      initializers: [tensor("k", Float32Array.from({ length: 8 * 3 * 9 }, (_, i) => Math.sin(i)), [8, 3, 3, 3]), tensor("k2", Float32Array.from({ length: 5 * 8 * 9 }, (_, i) => Math.cos(i)), [5, 8, 3, 3]), tensor("g", Float32Array.from({ length: 50 }, (_, i) => i / 50), [5, 10])],
      inputs: [valueInfo("image", DataType.FLOAT, ["N", 3, 16, 16])],
      outputs: [valueInfo("logits", DataType.FLOAT, ["N", 10])],
    });
    const fromFile = inspected(bytes).flops;
    const fromRun = await countFlops(bytes, { image: new ort.Tensor("float32", new Float32Array(3 * 16 * 16), [1, 3, 16, 16]) });
    expect(fromFile).toMatchObject({ counted: true, flopsPerItem: fromRun.flops, byOp: fromRun.byOp });
    expect(fromRun.byOp.Conv).toBe(2 * 8 * 16 * 16 * 27 + 2 * 5 * 6 * 6 * 72);
  });

  it("counts operators inside If branches and names contrib and custom domains apart", () => {
    const branch = (op: string, domain?: string): onnx.IGraphProto => ({
      name: `${op}-branch`,
      node: [{ ...node(op, ["left"], [`${op}_out`]), domain }],
      output: [valueInfo(`${op}_out`, DataType.FLOAT, ["batch", "seq", HIDDEN])],
    });
    const parts = twoInputParts();
    parts.nodes = [
      ...parts.nodes,
      node("ReduceMax", ["left"], ["peak"]),
      node("Greater", ["peak", "zero"], ["positive"]),
      { ...node("If", ["positive"], ["chosen"]), attribute: [{ name: "then_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch("Gelu", "com.microsoft") }, { name: "else_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch("FancyOp", "com.example.ops") }] },
    ];
    parts.initializers = [...parts.initializers, tensor("zero", new Float32Array([0]), [])];
    const model = inspected(encodeModel(parts));
    const counts = Object.fromEntries(model.operators.map((o) => [o.key, o.count]));
    expect(counts["com.microsoft::Gelu"]).toBe(1);
    expect(counts["com.example.ops::FancyOp"]).toBe(1);
    expect(counts["ai.onnx::If"]).toBe(1);
    expect(model.nodeCount).toBe(8);
    expect(model.customDomains).toEqual([
      { domain: "com.example.ops", knownToOnnxruntime: false },
      { domain: "com.microsoft", knownToOnnxruntime: true },
    ]);
    expect(model.problems.map((p) => p.code)).toEqual(["custom-domain"]);
    expect(model.problems[0]!.message).toContain("com.example.ops");
  });
});

describe("inspectOnnx on files that are not loadable models", () => {
  const good = encodeModel(twoInputParts());

  it("an empty file", () => {
    expect(failed(new Uint8Array())).toMatchObject({ code: "empty" });
  });

  it("a text file renamed .onnx", () => {
    const text = new TextEncoder().encode("name,latency_ms\nmlp,0.4\n# not a model at all\n");
    expect(failed(text)).toMatchObject({ code: "not-protobuf", reason: expect.stringContaining("text") });
  });

  it("random bytes", () => {
    const noise = Uint8Array.from({ length: 64 }, (_, i) => [0xff, 0x07, 0x00, 0x9b][i % 4]!);
    expect(failed(noise).code).toBe("not-protobuf");
  });

  it("a model cut short, at several points", () => {
    for (const keep of [0.1, 0.5, 0.9, (good.length - 1) / good.length]) {
      const cut = good.subarray(0, Math.floor(good.length * keep));
      const result = failed(cut);
      expect(result.code, `kept ${cut.length} of ${good.length} bytes`).toBe("truncated");
      expect(result.reason).toMatch(/ends early/);
    }
  });

  it("a protobuf of another message: a bare graph, a bare tensor", () => {
    const graph = onnx.GraphProto.encode({ name: "g", node: twoInputParts().nodes }).finish();
    const bareTensor = onnx.TensorProto.encode(tensor("w", new Float32Array(32), [4, 8])).finish();
    for (const bytes of [graph, bareTensor]) {
      const result = failed(bytes);
      expect(result.code).toBe("wrong-message");
      expect(result.reason).toContain("not an ONNX model");
    }
  });

  it("a ModelProto with no graph", () => {
    expect(failed(onnx.ModelProto.encode({ irVersion: 8, producerName: "x" }).finish()).code).toBe("no-graph");
  });

  it("a model whose weights live in an external data file", () => {
    const parts = twoInputParts();
    parts.initializers = [
      {
        name: "w",
        dataType: DataType.FLOAT,
        dims: [HIDDEN, OUT],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: "location", value: "../../etc/weights.bin" },
          { key: "offset", value: "0" },
          { key: "length", value: String(HIDDEN * OUT * 4) },
        ],
      },
    ];
    const model = inspected(encodeModel(parts));
    expect(model.initializers[0]).toMatchObject({ location: "external", presentBytes: 0, declaredBytes: HIDDEN * OUT * 4, externalData: { location: "../../etc/weights.bin", length: "512" } });
    expect(model.problems.map((p) => p.code)).toEqual(["external-data"]);
    expect(model.problems[0]!.message).toContain("../../etc/weights.bin");
  });

  it("an initializer that declares more than its bytes (and one with more)", () => {
    const parts = twoInputParts();
    parts.initializers = [tensor("w", new Float32Array(10), [HIDDEN, OUT]), tensor("extra", new Float32Array(6), [2, 2])];
    const model = inspected(encodeModel(parts));
    expect(model.initializers.map((t) => [t.name, t.declaredBytes, t.presentBytes])).toEqual([
      ["w", HIDDEN * OUT * 4, 40],
      ["extra", 16, 24],
    ]);
    expect(model.problems.map((p) => p.code)).toEqual(["initializer-too-short", "initializer-too-long"]);
    expect(model.problems[0]!.message).toContain('"w"');
  });
});
