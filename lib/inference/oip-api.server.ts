import "server-only";
import { serverEnv } from "@/lib/env.server";
import { HttpError, jsonError, jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";
import { listModels, modelReady, requireModel } from "./catalog.server";
import { getLane, type LaneId, requireLane } from "./lanes.server";
import type { InferenceModel } from "./model";
import { decodeV2Request, encodeV2Outputs, MODEL_VERSION, modelMetadata, serverMetadata, v2InferRequestSchema } from "./oip.server";
import { getRunner } from "./sessions.server";

/**
 * The Open Inference Protocol's (KServe v2 REST) routes; oip.server.ts is its
 * codec. Like POST /api/infer, free of the database and of benchmark jobs, so
 * the production server's node:http fast path answers them before Next.
 */

/** The lane v2 requests run on: V2_LANE, default cpu. Never remote-to-self by accident: pick it explicitly. */
export function v2Lane(): LaneId {
  return serverEnv().V2_LANE;
}

export function v2ServerMetadata(): Response {
  return jsonOk(serverMetadata());
}

export function v2Live(): Response {
  return jsonOk({ live: true });
}

/**
 * Ready when the v2 lane works and at least one model's file is present.
 * Models whose files are not built yet are listed, not fatal: they answer 404
 * naming the build step, while the rest of the server keeps serving.
 */
export function v2Ready(): Promise<Response> {
  return handleErrors(async () => {
    const lane = await getLane(v2Lane());
    const models = listModels();
    const missing = models.filter((m) => !modelReady(m)).map((m) => m.id);
    if (!lane.available) return jsonError(503, `lane ${lane.id} is unavailable: ${lane.reason ?? "unknown"}`);
    if (models.length === missing.length) return jsonError(503, models.length === 0 ? "no models are registered" : "no model file is built yet (run npm run models:build)");
    return jsonOk({ ready: true, lane: lane.id, modelsReady: models.length - missing.length, modelsMissing: missing });
  });
}

/** The model a v2 path names, at its one version: 404 for another version or an unknown model. */
function v2Model(name: string, version: string | undefined): InferenceModel {
  if (version !== undefined && version !== MODEL_VERSION) throw new HttpError(404, `model version ${version} not found; the only version is ${MODEL_VERSION}`);
  return requireModel(name);
}

export function v2ModelMetadata(name: string, version?: string): Promise<Response> {
  return handleErrors(async () => jsonOk(modelMetadata(v2Model(name, version))));
}

export function v2ModelReady(name: string, version?: string): Promise<Response> {
  return handleErrors(async () => {
    const model = v2Model(name, version);
    await requireLane(v2Lane());
    return jsonOk({ name: model.id, ready: true });
  });
}

async function runV2(model: InferenceModel, json: unknown) {
  const body = parseWith(v2InferRequestSchema, json);
  const { feeds, outputNames } = decodeV2Request(body, model, model.maxBatch);
  const lane = await requireLane(v2Lane());
  // The protocol's free-form request parameters carry this server's one knob: intra-op threads (cpu lane).
  const threads = body.parameters?.threads;
  if (threads !== undefined && (typeof threads !== "number" || !Number.isInteger(threads))) throw new HttpError(400, "parameters.threads must be an integer");
  const { runner } = await getRunner(model, lane, { threads });
  const outputs = await runner.run(feeds, outputNames);
  return {
    model_name: model.id,
    model_version: MODEL_VERSION,
    ...(body.id !== undefined ? { id: body.id } : {}),
    parameters: { lane: lane.id, software: lane.software },
    outputs: encodeV2Outputs(outputs, outputNames),
  };
}

/** POST /v2/models/{name}/infer on an already-parsed body: the node:http fast path reads the body itself. */
export async function v2InferJson(name: string, json: unknown, version?: string) {
  return runV2(v2Model(name, version), json);
}

/** The path is checked before the body is read: an unknown model is 404 whatever was sent. */
export function v2Infer(name: string, request: Request, version?: string): Promise<Response> {
  return handleErrors(async () => {
    const model = v2Model(name, version);
    return jsonOk(await runV2(model, await readJsonBody(request)));
  });
}
