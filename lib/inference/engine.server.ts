import "server-only";
import { HttpError } from "@/lib/http/errors";
import { requireModel } from "./catalog.server";
import { generateFeeds } from "./inputs.server";
import { requireLane } from "./lanes.server";
import type { InferenceModel } from "./model";
import { checkBatch } from "./oip.server";
import type { InferRequest } from "./schemas";
import { getRunner } from "./sessions.server";
import { round } from "./stats";
import { checkAllowedValues, checkShape, type Feeds, isJsonDtype, tensorDataToJson, tensorFromJson } from "./tensors.server";

/** Feeds from a JSON body, each checked against the model's declared name, dtype and shape. */
export function feedsFromJson(model: InferenceModel, inputs: NonNullable<InferRequest["inputs"]>): Feeds {
  const declared = new Map(model.inputs.map((t) => [t.name, t]));
  const feeds: Feeds = {};
  for (const [name, tensor] of Object.entries(inputs)) {
    const spec = declared.get(name);
    if (!spec) throw new HttpError(400, `unknown input "${name}" for model ${model.id}; inputs are ${model.inputs.map((t) => t.name).join(", ")}`);
    const dtype = tensor.dtype ?? spec.dtype;
    if (dtype !== spec.dtype) throw new HttpError(400, `input ${name}: dtype ${dtype} does not match the model's ${spec.dtype}`);
    if (!isJsonDtype(dtype)) throw new HttpError(400, `input ${name}: dtype ${dtype} cannot be sent as JSON`);
    checkShape(name, tensor.shape, spec.shape);
    checkBatch(model, name, tensor.shape, model.maxBatch);
    checkAllowedValues(name, tensor.data, spec.allowedValues);
    feeds[name] = tensorFromJson(name, dtype, tensor.shape, tensor.data);
  }
  const missing = model.inputs.filter((t) => !feeds[t.name]).map((t) => t.name);
  if (missing.length > 0) throw new HttpError(400, `missing input(s) for model ${model.id}: ${missing.join(", ")}`);
  return feeds;
}

export function checkOutputNames(model: InferenceModel, names: readonly string[] | undefined): void {
  if (!names) return;
  const known = new Set(model.outputs.map((t) => t.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new HttpError(400, `unknown output(s) ${unknown.join(", ")}; outputs are ${[...known].join(", ")}`);
}

/** POST /api/infer: one run of one model on one lane, with honest timing. */
export async function infer(request: InferRequest) {
  const started = performance.now();
  const model = requireModel(request.model);
  const lane = await requireLane(request.lane);
  checkOutputNames(model, request.outputs);
  let feeds: Feeds;
  if (request.inputs) {
    feeds = feedsFromJson(model, request.inputs);
  } else {
    if (model.batchAxis === null && request.batch !== 1) throw new HttpError(400, `model ${model.id} takes exactly one item; batch must be 1`);
    if (request.batch > model.maxBatch) throw new HttpError(413, `batch of ${request.batch} is over this model's cap of ${model.maxBatch}`);
    feeds = generateFeeds(model, request.batch, request.seed);
  }
  const { runner, created } = await getRunner(model, lane, { threads: request.threads });
  const firstRun = runner.firstRunMs === null;
  const runStarted = performance.now();
  const outputs = await runner.run(feeds, request.outputs);
  const runMs = performance.now() - runStarted;
  const names = request.outputs ?? Object.keys(outputs);
  return {
    model: model.id,
    lane: { id: lane.id, device: lane.device, software: lane.software },
    threads: runner.threads,
    outputs: request.includeOutputs
      ? Object.fromEntries(names.map((name) => [name, { dtype: outputs[name]!.type, shape: [...outputs[name]!.dims], data: tensorDataToJson(outputs[name]!) }]))
      : undefined,
    timing: {
      runMs: round(runMs),
      // A first run pays lazy allocation and kernel compilation; it is flagged, not mixed into steady state.
      firstRun,
      sessionCreated: created,
      sessionCreateMs: round(runner.createMs),
      totalMs: round(performance.now() - started),
    },
  };
}
