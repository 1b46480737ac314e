import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError, jsonError } from "@/lib/http/errors";
import { MAX_BODY_BYTES, parseJsonText } from "@/lib/http/request.server";
import { inferJson, postInfer } from "./infer-api.server";
import * as oip from "./oip-api.server";

/**
 * Routing of API handlers on plain node:http, shared by the production
 * server's fast path (server/main.ts: inference routes only, answered before
 * Next.js) and the bare standalone server (standalone.server.ts: the whole
 * inference API, for the bench and for tests that need a second v2 server).
 */
export type Handler = (request: Request, match: string[]) => Response | Promise<Response>;
export type JsonHandler = (body: unknown, match: string[]) => Promise<unknown>;
export type Route = [method: string, pattern: RegExp, handler: Handler];
export type JsonRoute = [pattern: RegExp, handler: JsonHandler];

/**
 * The two inference endpoints skip the web Request/Response bridge (about
 * 0.25 ms a request on this class of machine) and call the same JSON cores
 * as the route handlers: parsing, validation and the engine are shared.
 */
export const inferenceJsonRoutes: JsonRoute[] = [
  [/^\/api\/infer$/, (body) => inferJson(body)],
  [/^\/v2\/models\/([^/]+)\/infer$/, (body, m) => oip.v2InferJson(m[0]!, body)],
  [/^\/v2\/models\/([^/]+)\/versions\/([^/]+)\/infer$/, (body, m) => oip.v2InferJson(m[0]!, body, m[1]!)],
];

/**
 * POST /api/infer and every Open Inference Protocol route. None of them touch
 * the database or benchmark jobs; the sessions they run are shared with
 * Next's copy of lib/inference through globalThis (sessions.server.ts).
 */
export const inferenceRoutes: Route[] = [
  ["POST", /^\/api\/infer$/, (r) => postInfer(r)],
  ["GET", /^\/v2\/?$/, () => oip.v2ServerMetadata()],
  ["GET", /^\/v2\/health\/live$/, () => oip.v2Live()],
  ["GET", /^\/v2\/health\/ready$/, () => oip.v2Ready()],
  ["GET", /^\/v2\/models\/([^/]+)$/, (_r, m) => oip.v2ModelMetadata(m[0]!)],
  ["GET", /^\/v2\/models\/([^/]+)\/ready$/, (_r, m) => oip.v2ModelReady(m[0]!)],
  ["POST", /^\/v2\/models\/([^/]+)\/infer$/, (r, m) => oip.v2Infer(m[0]!, r)],
  ["GET", /^\/v2\/models\/([^/]+)\/versions\/([^/]+)$/, (_r, m) => oip.v2ModelMetadata(m[0]!, m[1]!)],
  ["GET", /^\/v2\/models\/([^/]+)\/versions\/([^/]+)\/ready$/, (_r, m) => oip.v2ModelReady(m[0]!, m[1]!)],
  ["POST", /^\/v2\/models\/([^/]+)\/versions\/([^/]+)\/infer$/, (r, m) => oip.v2Infer(m[0]!, r, m[1]!)],
];

/**
 * Reads the body as a Buffer, stopping one byte past the API's limit: the
 * handler still answers 413, and node:http Buffers are far cheaper per
 * request than a web ReadableStream bridge.
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on("data", (chunk: Buffer) => {
      if (total > MAX_BODY_BYTES) return;
      chunks.push(chunk);
      total += chunk.length;
      if (total > MAX_BODY_BYTES) resolve(Buffer.concat(chunks));
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function dispatchJson(req: IncomingMessage, res: ServerResponse, handler: JsonHandler, match: string[]): Promise<void> {
  try {
    const declared = Number(req.headers["content-length"] ?? "NaN");
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw new HttpError(413, `request body of ${declared} bytes is over the ${MAX_BODY_BYTES}-byte limit`);
    const raw = await readBody(req);
    if (raw.length > MAX_BODY_BYTES) throw new HttpError(413, `request body is over the ${MAX_BODY_BYTES}-byte limit`);
    sendJson(res, 200, await handler(parseJsonText(raw.toString("utf8")), match));
  } catch (error) {
    if (error instanceof HttpError) sendJson(res, error.status, { error: error.message }, error.headers);
    else sendJson(res, 500, { error: `internal error: ${error instanceof Error ? error.message : String(error)}` });
  }
}

function decode(match: RegExpExecArray): string[] | null {
  try {
    return match.slice(1).map(decodeURIComponent);
  } catch {
    return null;
  }
}

export interface NodeRouter {
  /** True when a route here answers this method and path (the production server hands everything else to Next). */
  owns(method: string | undefined, pathname: string): boolean;
  /** Answers the request; unknown paths get 404 and known paths with another method 405, both as {"error"}. */
  handle(req: IncomingMessage, res: ServerResponse, pathname?: string): void;
}

export function pathnameOf(url: string | undefined): string {
  const raw = url ?? "/";
  const end = raw.search(/[?#]/);
  return end < 0 ? raw : raw.slice(0, end);
}

export function createNodeRouter(jsonRoutes: JsonRoute[], routes: Route[]): NodeRouter {
  async function dispatch(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method === "POST") {
      for (const [pattern, handler] of jsonRoutes) {
        const match = pattern.exec(pathname);
        if (!match) continue;
        const params = decode(match);
        if (params) return dispatchJson(req, res, handler, params);
      }
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(key, value);
      else if (Array.isArray(value)) headers.set(key, value.join(", "));
    }
    const request = new Request(url, { method: req.method, headers, body: hasBody ? new Uint8Array(await readBody(req)) : undefined, signal: controller.signal });
    let response: Response = jsonError(404, `no route for ${req.method} ${url.pathname}`);
    for (const [method, pattern, handler] of routes) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      const params = decode(match);
      if (!params) {
        response = jsonError(400, `malformed percent-encoding in ${url.pathname}`);
        break;
      }
      response = method === req.method ? await handler(request, params) : jsonError(405, `${req.method} is not allowed on ${url.pathname}`);
      if (method === req.method) break;
    }
    res.statusCode = response.status;
    response.headers.forEach((value, key) => res.setHeader(key, value));
    if (!response.body) {
      res.end();
      return;
    }
    if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
      res.end(Buffer.from(await response.arrayBuffer()));
      return;
    }
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
    res.end();
  }

  return {
    owns(method, pathname) {
      return routes.some(([m, pattern]) => m === method && pattern.test(pathname));
    },
    handle(req, res, pathname = pathnameOf(req.url)) {
      dispatch(req, res, pathname).catch((error: unknown) => {
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader("content-type", "application/json; charset=utf-8");
        }
        res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
      });
    },
  };
}

/** The production server's fast path: POST /api/infer and the v2 API, nothing that needs the database. */
export function inferenceRouter(): NodeRouter {
  return createNodeRouter(inferenceJsonRoutes, inferenceRoutes);
}
