import "server-only";
import { z } from "zod";
import { HttpError, jsonOk } from "@/lib/http/errors";
import { benchmarkJobs, recentBenchmarks } from "./benchmarks.server";
import { listModels, modelReady } from "./catalog.server";
import { handleErrors, MAX_BODY_BYTES, parseWith, readJsonBody } from "@/lib/http/request.server";
import { v2Lane } from "./infer-api.server";
import { detectLanes, LANE_IDS } from "./lanes.server";
import { benchmarkRequestSchema } from "./schemas";
import { type JobOwner, maxQueued, modelDetails, timeCapMs } from "./jobs.server";
import type { WireCapabilities } from "./wire";

export * from "./infer-api.server";

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
    } satisfies WireCapabilities);
  });
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

export function postBenchmark(request: Request, owner: JobOwner = {}, extraHeaders: Record<string, string> = {}): Promise<Response> {
  return handleErrors(async () => {
    const body = parseWith(benchmarkRequestSchema, await readJsonBody(request, 64 * 1024));
    const job = await benchmarkJobs().submit(body, owner);
    return jsonOk({ id: job.id, state: job.state, queuePosition: job.queuePosition }, 202, { location: `/api/benchmarks/${job.id}`, ...extraHeaders });
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
        if (first.state !== "queued" && first.state !== "running") {
          send("end", first);
          close();
          return;
        }
        const heartbeat = setInterval(() => !closed && controller.enqueue(encoder.encode(": keep-alive\n\n")), 15_000);
        const unfollow = manager.follow(
          id,
          (snapshot) => send("progress", snapshot),
          (snapshot) => {
            send("end", snapshot);
            close();
          },
        );
        cleanup = () => {
          clearInterval(heartbeat);
          unfollow();
        };
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
