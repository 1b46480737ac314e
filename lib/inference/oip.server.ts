import "server-only";
import { Tensor } from "onnxruntime-node";
import { z } from "zod";
import { HttpError } from "@/lib/http/errors";
import type { InferenceModel } from "./model";
import { checkAllowedValues, checkShape, elementCount, type Feeds, fromV2Datatype, isJsonDtype, tensorDataToJson, tensorFromJson, toV2Datatype } from "./tensors.server";

/**
 * Open Inference Protocol (KServe v2) REST codec: JSON tensors in, JSON
 * tensors out, `{"error": ...}` on failure. Only the required JSON tensor
 * encoding is supported; the binary-data extension is refused by name.
 */

export const SERVER_NAME = "inference-lab";
export const SERVER_VERSION = "0.1.0";
export const MODEL_VERSION = "1";

const parametersSchema = z.record(z.string(), z.unknown());

type Nested = number | string | boolean | Nested[];
const tensorDataSchema: z.ZodType<Nested[]> = z.array(z.union([z.number(), z.string(), z.boolean(), z.lazy(() => tensorDataSchema)]));

export const v2InferRequestSchema = z.object({
  id: z.string().optional(),
  parameters: parametersSchema.optional(),
  inputs: z
    .array(
      z.object({
        name: z.string().min(1),
        shape: z.array(z.number().int().nonnegative()),
        datatype: z.string().min(1),
        parameters: parametersSchema.optional(),
        data: tensorDataSchema,
      }),
    )
    .min(1, "inputs must name at least one tensor"),
  outputs: z.array(z.object({ name: z.string().min(1), parameters: parametersSchema.optional() })).optional(),
});

export type V2InferRequest = z.infer<typeof v2InferRequestSchema>;

export function serverMetadata() {
  return { name: SERVER_NAME, version: SERVER_VERSION, extensions: [] as string[] };
}

function v2Shape(shape: ReadonlyArray<number | string>): number[] {
  return shape.map((d) => (typeof d === "number" && d >= 0 ? d : -1));
}

export function modelMetadata(model: InferenceModel) {
  return {
    name: model.id,
    versions: [MODEL_VERSION],
    platform: "onnxruntime_onnx",
    inputs: model.inputs.map((t) => ({ name: t.name, datatype: toV2Datatype(t.dtype), shape: v2Shape(t.shape) })),
    outputs: model.outputs.map((t) => ({ name: t.name, datatype: toV2Datatype(t.dtype), shape: v2Shape(t.shape) })),
  };
}

/** The spec lets data be nested row-major; flatten it, refusing ragged rows. */
function flatten(data: Nested[], out: unknown[] = []): unknown[] {
  for (const item of data) {
    if (Array.isArray(item)) flatten(item, out);
    else out.push(item);
  }
  return out;
}

/** Validates a v2 request against the model and builds the feeds and the requested outputs. */
export function decodeV2Request(request: V2InferRequest, model: InferenceModel, maxBatch: number): { feeds: Feeds; outputNames: string[] | undefined } {
  const feeds: Feeds = {};
  const declared = new Map(model.inputs.map((t) => [t.name, t]));
  for (const input of request.inputs) {
    if (input.parameters && ("binary_data_size" in input.parameters || "binary_data" in input.parameters)) {
      throw new HttpError(400, `input ${input.name}: the binary tensor data extension is not supported; send JSON data`);
    }
    const spec = declared.get(input.name);
    if (!spec) throw new HttpError(400, `unexpected inference input '${input.name}' for model '${model.id}'; inputs are ${model.inputs.map((t) => t.name).join(", ")}`);
    if (feeds[input.name]) throw new HttpError(400, `input ${input.name} is given twice`);
    const dtype = fromV2Datatype(input.datatype);
    if (!dtype || dtype !== spec.dtype) {
      throw new HttpError(400, `input ${input.name}: datatype ${input.datatype} does not match the model's ${toV2Datatype(spec.dtype)}`);
    }
    checkShape(input.name, input.shape, spec.shape);
    checkBatch(model, input.name, input.shape, maxBatch);
    const flat = flatten(input.data);
    checkAllowedValues(input.name, flat, spec.allowedValues);
    feeds[input.name] = tensorFromJson(input.name, dtype, input.shape, flat);
  }
  const missing = model.inputs.filter((t) => !feeds[t.name]).map((t) => t.name);
  if (missing.length > 0) throw new HttpError(400, `missing input(s) for model '${model.id}': ${missing.join(", ")}`);
  let outputNames: string[] | undefined;
  if (request.outputs && request.outputs.length > 0) {
    const known = new Set(model.outputs.map((t) => t.name));
    outputNames = request.outputs.map((o) => o.name);
    const unknown = outputNames.filter((name) => !known.has(name));
    if (unknown.length > 0) throw new HttpError(400, `unknown output(s) ${unknown.join(", ")}; outputs are ${[...known].join(", ")}`);
  }
  return { feeds, outputNames };
}

export function checkBatch(model: InferenceModel, name: string, dims: readonly number[], maxBatch: number): void {
  if (model.batchAxis === null) return;
  const batch = dims[model.batchAxis];
  if (batch !== undefined && batch > maxBatch) {
    throw new HttpError(413, `input ${name}: batch of ${batch} is over this model's cap of ${maxBatch}`);
  }
  if (batch === 0) throw new HttpError(400, `input ${name}: batch must be at least 1`);
}

export function encodeV2Outputs(outputs: Feeds, names?: readonly string[]) {
  return (names ?? Object.keys(outputs)).map((name) => {
    const tensor = outputs[name]!;
    return { name, datatype: toV2Datatype(tensor.type), shape: [...tensor.dims], data: tensorDataToJson(tensor) };
  });
}

export function encodeV2Inputs(feeds: Feeds) {
  return Object.entries(feeds).map(([name, tensor]) => ({ name, datatype: toV2Datatype(tensor.type), shape: [...tensor.dims], data: tensorDataToJson(tensor) }));
}

const v2ResponseSchema = z.object({
  model_name: z.string(),
  outputs: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), datatype: z.string(), data: tensorDataSchema })),
});

/** Parses a v2 inference response (the remote lane's client side). */
export function decodeV2Outputs(body: unknown): Feeds {
  const parsed = v2ResponseSchema.safeParse(body);
  if (!parsed.success) throw new HttpError(502, `remote server sent a malformed v2 response: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const outputs: Feeds = {};
  for (const output of parsed.data.outputs) {
    const dtype = fromV2Datatype(output.datatype);
    if (!dtype || !isJsonDtype(dtype)) throw new HttpError(502, `remote output ${output.name} has unsupported datatype ${output.datatype}`);
    const flat = flatten(output.data);
    if (flat.length !== elementCount(output.shape)) throw new HttpError(502, `remote output ${output.name}: ${flat.length} values for shape [${output.shape.join(", ")}]`);
    outputs[output.name] = tensorFromJson(output.name, dtype, output.shape, flat);
  }
  return outputs;
}

export { Tensor };
