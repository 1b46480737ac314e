import "server-only";
import { HttpError, jsonOk } from "@/lib/http/errors";
import { benchmarkJobs, recentBenchmarks } from "./benchmarks.server";
import { listModels, modelReady } from "./catalog.server";
import { handleErrors, MAX_BODY_BYTES, parseWith, readJsonBody } from "@/lib/http/request.server";
import { eventStreamResponse } from "@/lib/http/event-stream.server";
import { v2Lane } from "./oip-api.server";
import { detectLanes } from "./lanes.server";
import { benchmarkRequestSchema, recentBenchmarksQuerySchema } from "./schemas";
import { type JobOwner, type JobSnapshot, maxQueued, modelDetails, timeCapMs } from "./jobs.server";
import type { WireCapabilities } from "./wire";

/**
 * The lab's own HTTP API as plain functions of a Request (capabilities and
 * benchmark jobs): app/ route files only delegate here, and tests and the
 * bench script call the same code. POST /api/infer (infer-api.server.ts) and
 * the Open Inference Protocol (oip-api.server.ts) are apart, because the
 * production server's fast path imports them without the database.
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

/** GET /api/benchmarks: finished runs, newest first, so a class sees what others measured. */
export function listBenchmarks(request: Request): Promise<Response> {
  return handleErrors(async () => {
    const query = parseWith(recentBenchmarksQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
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

/** The job a path names: 404 for a malformed id as for an unknown one, without asking the store. */
async function jobOr404(id: string, find: (id: string) => Promise<JobSnapshot | null>): Promise<JobSnapshot> {
  const job = ID.test(id) ? await find(id) : null;
  if (!job) throw new HttpError(404, `unknown benchmark ${id}`);
  return job;
}

export function getBenchmark(id: string): Promise<Response> {
  return handleErrors(async () => jsonOk(await jobOr404(id, (known) => benchmarkJobs().get(known))));
}

export function deleteBenchmark(id: string): Promise<Response> {
  return handleErrors(async () => jsonOk(await jobOr404(id, (known) => benchmarkJobs().cancel(known))));
}

/** Server-Sent Events: a `snapshot` now, `progress` while it runs, `end` with the final state. */
export function benchmarkEvents(id: string, request: Request): Promise<Response> {
  return handleErrors(async () => {
    const manager = benchmarkJobs();
    const first = await jobOr404(id, (known) => manager.get(known));
    return eventStreamResponse(request.signal, ({ send, close }) => {
      send("snapshot", first);
      if (first.state !== "queued" && first.state !== "running") {
        send("end", first);
        close();
        return;
      }
      return manager.follow(
        id,
        (snapshot) => send("progress", snapshot),
        (snapshot) => {
          send("end", snapshot);
          close();
        },
      );
    });
  });
}
