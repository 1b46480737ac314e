import "server-only";
import { z } from "zod";
import { serverEnv } from "@/lib/env.server";
import { HttpError, jsonError, jsonOk } from "@/lib/http/errors";
import { benchmarkJobs, recentBenchmarks } from "./benchmarks.server";
import { listModels, modelReady, requireModel } from "./catalog.server";
import { infer } from "./engine.server";
import { handleErrors, MAX_BODY_BYTES, parseWith, readJsonBody } from "@/lib/http/request.server";
import { detectLanes, getLane, LANE_IDS, type LaneId, requireLane } from "./lanes.server";
import { decodeV2Request, encodeV2Outputs, MODEL_VERSION, modelMetadata, serverMetadata, v2InferRequestSchema } from "./oip.server";
import { benchmarkRequestSchema, inferRequestSchema } from "./schemas";
import { getRunner } from "./sessions.server";
import { maxQueued, modelDetails, timeCapMs } from "./jobs.server";

/**
 * The HTTP API as plain functions of a Request: app/ route files only
 * delegate here, and tests and the bench script call the same code.
 */

export function capabilities(): Promise<Response> {
  return handleErrors(async () => {
    const lanes = await detectLanes();
    const models = listModels().map((m) => ({
      ...modelDetails(m),
      ready: modelReady(m),
      batchAxis: m.batchAxis,
      ...(m.catalog ? { catalog: m.catalog } : {}),
    }));
    return jsonOk({
      lanes,
      models,
      limits: { maxBodyBytes: MAX_BODY_BYTES, benchmarkQueuePerResource: maxQueued(), benchmarkTimeCapMs: timeCapMs() },
      v2: { lane: v2Lane() },
    });
  });
}

/** POST /api/infer on an already-parsed body: shared by the Next route and the bare node:http server. */
export function inferJson(body: unknown) {
  return infer(parseWith(inferRequestSchema, body));
}

export function postInfer(request: Request): Promise<Response> {
  return handleErrors(async () => jsonOk(await inferJson(await readJsonBody(request))));
}

const recentQuerySchema = z
  .object({
    model: z.string().min(1).optional(),
    lane: z.enum(LANE_IDS).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** GET /api/benchmarks: finished runs, newest first, so a class sees what others measured. */
export function listBenchmarks(request: Request): Promise<Response> {
  return handleErrors(async () => {
    const query = parseWith(recentQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
    return jsonOk({ runs: await recentBenchmarks({ modelId: query.model, lane: query.lane, limit: query.limit }) });
  });
}

export function postBenchmark(request: Request): Promise<Response> {
  return handleErrors(async () => {
    const body = parseWith(benchmarkRequestSchema, await readJsonBody(request, 64 * 1024));
    const job = await benchmarkJobs().submit(body);
    return jsonOk({ id: job.id, state: job.state, queuePosition: job.queuePosition }, 202, { location: `/api/benchmarks/${job.id}` });
  });
}

const ID = /^[0-9a-f-]{36}$/;

export function getBenchmark(id: string): Promise<Response> {
  return handleErrors(async () => {
    if (!ID.test(id)) throw new HttpError(404, `unknown benchmark ${id}`);
    const job = await benchmarkJobs().get(id);
    if (!job) throw new HttpError(404, `unknown benchmark ${id}`);
    return jsonOk(job);
  });
}

export function deleteBenchmark(id: string): Promise<Response> {
  return handleErrors(async () => {
    if (!ID.test(id)) throw new HttpError(404, `unknown benchmark ${id}`);
    const job = await benchmarkJobs().cancel(id);
    if (!job) throw new HttpError(404, `unknown benchmark ${id}`);
    return jsonOk(job);
  });
}

/** Server-Sent Events: a `snapshot` now, `progress` while it runs, `end` with the final state. */
export function benchmarkEvents(id: string, request: Request): Promise<Response> {
  return handleErrors(async () => {
    if (!ID.test(id)) throw new HttpError(404, `unknown benchmark ${id}`);
    const manager = benchmarkJobs();
    const first = await manager.get(id);
    if (!first) throw new HttpError(404, `unknown benchmark ${id}`);
    const encoder = new TextEncoder();
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        let closed = false;
        const send = (event: string, data: unknown) => {
          if (!closed) controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        };
        const close = () => {
          if (closed) return;
          closed = true;
          cleanup();
          controller.close();
        };
        send("snapshot", first);
        const heartbeat = setInterval(() => !closed && controller.enqueue(encoder.encode(": keep-alive\n\n")), 15_000);
        const unsubscribe = manager.subscribe(
          id,
          (snapshot) => send("progress", snapshot),
          () => {
            send("end", manager.snapshot(id));
            close();
          },
        );
        cleanup = () => {
          clearInterval(heartbeat);
          unsubscribe?.();
        };
        if (!unsubscribe) {
          send("end", first);
          close();
        }
        request.signal.addEventListener("abort", close);
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(stream, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
    });
  });
}

// ---- Open Inference Protocol (KServe v2 REST) ----

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

function checkVersion(version: string | undefined): void {
  if (version !== undefined && version !== MODEL_VERSION) throw new HttpError(404, `model version ${version} not found; the only version is ${MODEL_VERSION}`);
}

export function v2ModelMetadata(name: string, version?: string): Promise<Response> {
  return handleErrors(async () => {
    checkVersion(version);
    return jsonOk(modelMetadata(requireModel(name)));
  });
}

export function v2ModelReady(name: string, version?: string): Promise<Response> {
  return handleErrors(async () => {
    checkVersion(version);
    const model = requireModel(name);
    await requireLane(v2Lane());
    return jsonOk({ name: model.id, ready: true });
  });
}

/** POST /v2/models/{name}/infer on an already-parsed body (see inferJson). */
export async function v2InferJson(name: string, json: unknown, version?: string) {
  checkVersion(version);
  const model = requireModel(name);
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

export function v2Infer(name: string, request: Request, version?: string): Promise<Response> {
  return handleErrors(async () => {
    checkVersion(version);
    requireModel(name);
    return jsonOk(await v2InferJson(name, await readJsonBody(request), version));
  });
}
