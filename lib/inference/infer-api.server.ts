import "server-only";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";
import { infer } from "./engine.server";
import { inferRequestSchema } from "./schemas";

/**
 * POST /api/infer: stateless per request apart from the shared session cache,
 * and free of the database and of benchmark jobs, so the production server's
 * node:http fast path (server/main.ts) can import it without a second copy of
 * either. The Open Inference Protocol's routes are in oip-api.server.ts.
 */

/** POST /api/infer on an already-parsed body: shared by the Next route and the bare node:http server. */
export function inferJson(body: unknown) {
  return infer(parseWith(inferRequestSchema, body));
}

export function postInfer(request: Request): Promise<Response> {
  return handleErrors(async () => jsonOk(await inferJson(await readJsonBody(request))));
}
