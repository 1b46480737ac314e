import "server-only";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";
import { activationFootprint, ACTIVATION_METHOD } from "./activations.server";
import { requireModel } from "./catalog.server";
import { laneCeilings } from "./ceilings.server";
import { ceilingsRequestSchema, modelMemoryQuerySchema } from "./schemas";
import type { WireCeilings, WireModelMemory } from "./wire";

/** POST /api/ceilings: a server lane's bandwidth and compute ceilings, cached per lane, device and threads; `remeasure` measures again. */
export function postCeilings(request: Request): Promise<Response> {
  return handleErrors(async () => {
    const body = parseWith(ceilingsRequestSchema, await readJsonBody(request, 4 * 1024));
    return jsonOk((await laneCeilings(body)) satisfies WireCeilings);
  });
}

/** GET /api/model-memory?model=…: the model's activation footprint (measured once per server process). */
export function getModelMemory(request: Request): Promise<Response> {
  return handleErrors(async () => {
    const query = parseWith(modelMemoryQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
    const model = requireModel(query.model);
    const footprint = await activationFootprint(model);
    return jsonOk({ model: model.id, ...footprint, method: ACTIVATION_METHOD } satisfies WireModelMemory);
  });
}
