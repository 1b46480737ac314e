import "server-only";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpError, jsonError } from "@/lib/http/errors";
import * as api from "./api.server";
import { MAX_BODY_BYTES } from "@/lib/http/request.server";

/**
 * The inference API on a bare node:http server, routed to the same handler
 * functions as app/'s route files. For the bench script's real-HTTP overhead
 * figure and for tests that need a second Open Inference Protocol server
 * (the remote lane) without building Next.
 */
type Handler = (request: Request, match: string[]) => Response | Promise<Response>;
type JsonHandler = (body: unknown, match: string[]) => Promise<unknown>;

/**
 * The two inference endpoints skip the web Request/Response bridge (about
 * 0.25 ms a request on this class of machine) and call the same JSON cores
 * as the route handlers: parsing, validation and the engine are shared.
 */
const jsonRoutes: Array<[RegExp, JsonHandler]> = [
  [/^\/api\/infer$/, (body) => api.inferJson(body)],
  [/^\/v2\/models\/([^/]+)\/infer$/, (body, m) => api.v2InferJson(m[0]!, body)],
  [/^\/v2\/models\/([^/]+)\/versions\/([^/]+)\/infer$/, (body, m) => api.v2InferJson(m[0]!, body, m[1]!)],
];

const routes: Array<[string, RegExp, Handler]> = [
  ["GET", /^\/api\/capabilities$/, () => api.capabilities()],
  ["POST", /^\/api\/infer$/, (r) => api.postInfer(r)],
  ["POST", /^\/api\/benchmarks$/, (r) => api.postBenchmark(r)],
  ["GET", /^\/api\/benchmarks\/([^/]+)$/, (_r, m) => api.getBenchmark(m[0]!)],
  ["DELETE", /^\/api\/benchmarks\/([^/]+)$/, (_r, m) => api.deleteBenchmark(m[0]!)],
  ["GET", /^\/api\/benchmarks\/([^/]+)\/events$/, (r, m) => api.benchmarkEvents(m[0]!, r)],
  ["GET", /^\/v2\/?$/, () => api.v2ServerMetadata()],
  ["GET", /^\/v2\/health\/live$/, () => api.v2Live()],
  ["GET", /^\/v2\/health\/ready$/, () => api.v2Ready()],
  ["GET", /^\/v2\/models\/([^/]+)$/, (_r, m) => api.v2ModelMetadata(m[0]!)],
  ["GET", /^\/v2\/models\/([^/]+)\/ready$/, (_r, m) => api.v2ModelReady(m[0]!)],
  ["POST", /^\/v2\/models\/([^/]+)\/infer$/, (r, m) => api.v2Infer(m[0]!, r)],
  ["GET", /^\/v2\/models\/([^/]+)\/versions\/([^/]+)$/, (_r, m) => api.v2ModelMetadata(m[0]!, m[1]!)],
  ["GET", /^\/v2\/models\/([^/]+)\/versions\/([^/]+)\/ready$/, (_r, m) => api.v2ModelReady(m[0]!, m[1]!)],
  ["POST", /^\/v2\/models\/([^/]+)\/versions\/([^/]+)\/infer$/, (r, m) => api.v2Infer(m[0]!, r, m[1]!)],
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
    const text = raw.toString("utf8");
    if (text.trim() === "") throw new HttpError(400, "request body is empty; send JSON");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new HttpError(400, `malformed JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    sendJson(res, 200, await handler(body, match));
  } catch (error) {
    if (error instanceof HttpError) sendJson(res, error.status, { error: error.message }, error.headers);
    else sendJson(res, 500, { error: `internal error: ${error instanceof Error ? error.message : String(error)}` });
  }
}

async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  if (req.method === "POST") {
    for (const [pattern, handler] of jsonRoutes) {
      const match = pattern.exec(url.pathname);
      if (match) return dispatchJson(req, res, handler, match.slice(1).map(decodeURIComponent));
    }
  }
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
    response = method === req.method ? await handler(request, match.slice(1).map(decodeURIComponent)) : jsonError(405, `${req.method} is not allowed on ${url.pathname}`);
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

export async function startStandaloneServer(port = 0, host = "127.0.0.1"): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    dispatch(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("content-type", "application/json");
      }
      res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
