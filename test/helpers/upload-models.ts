/**
 * ONNX files for the model-upload tests, good and bad, generated with the
 * project's builder (lib/models/onnx-builder.ts) so every case is a real file
 * of the kind a careless or hostile upload would send.
 */
import { asModel, DataType, encodeModel, encodeProto, node, onnx, tensor, valueInfo } from "@/lib/models/onnx-builder";
import { seededRandom } from "@/lib/random";

const F = DataType.FLOAT;

/** A small two-input model with a symbolic sequence length, unlike any the project ships: y = tanh(a·W + b). */
export function goodModel(seed = 1, width = 8): Uint8Array {
  const random = seededRandom(seed);
  const weights = Float32Array.from({ length: width * 4 }, () => random() - 0.5);
  return encodeModel({
    name: `upload-fixture-${seed}`,
    nodes: [node("MatMul", ["a", "W"], ["aw"]), node("Add", ["aw", "b"], ["sum"]), node("Tanh", ["sum"], ["y"])],
    initializers: [tensor("W", weights, [width, 4])],
    inputs: [valueInfo("a", F, ["batch", "sequence", width]), valueInfo("b", F, ["batch", "sequence", 4])],
    outputs: [valueInfo("y", F, ["batch", "sequence", 4])],
    producer: "upload-test",
  });
}

function withGraph(edit: (model: ReturnType<typeof asModel>) => void, source = goodModel()): Uint8Array {
  const model = asModel(source);
  edit(model);
  return encodeProto(model);
}

export const badModels = {
  empty: () => new Uint8Array(0),
  /** A text file renamed .onnx. */
  text: () => new TextEncoder().encode("# my model\nlayers: 3\nweights: see weights.bin\n"),
  /** The first half of a real model, as an interrupted copy leaves it. */
  truncated: () => {
    const bytes = goodModel();
    return bytes.subarray(0, Math.floor(bytes.length / 2));
  },
  /** A valid protobuf of another ONNX message: a bare TensorProto. */
  wrongMessage: () => onnx.TensorProto.encode(tensor("W", Float32Array.from({ length: 64 }, (_, i) => i), [8, 8])).finish(),
  /** Weights said to live in a file beside the model, at a path that climbs out of any folder. */
  externalData: () =>
    withGraph((model) => {
      const weights = model.graph.initializer[0]!;
      weights.rawData = new Uint8Array(0);
      weights.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      weights.externalData = [
        { key: "location", value: "../../../../etc/passwd" },
        { key: "offset", value: "0" },
        { key: "length", value: "128" },
      ];
    }),
  /** An input declaring 10^9 × 10^9 elements per item. */
  hugeDimension: () =>
    encodeModel({
      name: "huge",
      nodes: [node("Relu", ["x"], ["y"])],
      initializers: [],
      inputs: [valueInfo("x", F, ["batch", 1_000_000_000, 1_000_000_000])],
      outputs: [valueInfo("y", F, ["batch", 1_000_000_000, 1_000_000_000])],
    }),
  /** An initializer whose dims call for 4 MB while the file holds 16 bytes for it. */
  initializerTooShort: () =>
    withGraph((model) => {
      const weights = model.graph.initializer[0]!;
      weights.dims = [1000, 1000];
      weights.rawData = new Uint8Array(16);
    }),
  /** An operator no ONNX opset defines. */
  unknownOperator: () =>
    encodeModel({
      name: "unknown-op",
      nodes: [node("TotallyMadeUpOp", ["x"], ["y"])],
      initializers: [],
      inputs: [valueInfo("x", F, ["batch", 4])],
      outputs: [valueInfo("y", F, ["batch", 4])],
    }),
  /** An operator from a custom-op domain that would need a native library loaded. */
  customDomain: () => {
    const model = asModel(
      encodeModel({
        name: "custom-domain",
        nodes: [{ ...node("Frobnicate", ["x"], ["y"]), domain: "com.example.customops" }],
        initializers: [],
        inputs: [valueInfo("x", F, ["batch", 4])],
        outputs: [valueInfo("y", F, ["batch", 4])],
      }),
    );
    model.opsetImport.push({ domain: "com.example.customops", version: 1 });
    return encodeProto(model);
  },
};

/** A valid model whose first run never ends: a Loop with a trip count of 9·10^18 and a condition that stays true. */
export function hangingModel(): Uint8Array {
  const body: onnx.IGraphProto = {
    name: "spin",
    node: [node("Identity", ["cond_in"], ["cond_out"]), node("Identity", ["v_in"], ["v_out"])],
    input: [valueInfo("iteration", DataType.INT64, []), valueInfo("cond_in", DataType.BOOL, []), valueInfo("v_in", F, [1])],
    output: [valueInfo("cond_out", DataType.BOOL, []), valueInfo("v_out", F, [1])],
  };
  return encodeModel({
    name: "hang",
    nodes: [node("Loop", ["trips", "keep_going", "x"], ["y"], [{ name: "body", type: onnx.AttributeProto.AttributeType.GRAPH, g: body }])],
    initializers: [tensor("trips", BigInt64Array.from([9_000_000_000_000_000_000n]), []), { name: "keep_going", dataType: DataType.BOOL, dims: [], rawData: new Uint8Array([1]) }],
    inputs: [valueInfo("x", F, [1])],
    outputs: [valueInfo("y", F, [1])],
  });
}

/** A valid model whose first run fills a 3·10^9-element tensor (12 GB): only a memory limit stops it. */
export function memoryHungryModel(): Uint8Array {
  return encodeModel({
    name: "hungry",
    nodes: [node("ConstantOfShape", ["shape"], ["filled"]), node("Add", ["x", "filled"], ["y"])],
    initializers: [tensor("shape", BigInt64Array.from([1n, 3_000_000_000n]), [2])],
    inputs: [valueInfo("x", F, [1, 1])],
    outputs: [valueInfo("y", F, [1, "n"])],
  });
}
