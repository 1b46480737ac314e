import "server-only";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { jsonError } from "@/lib/http/errors";
import * as api from "./api.server";

/**
 * The inference API on a bare node:http server, routed to the same handler
 * functions as app/'s route files. For the bench script's real-HTTP overhead
 * figure and for tests that need a second Open Inference Protocol server
 * (the remote lane) without building Next.
 */
type Handler = (request: Request, match: string[]) => Response | Promise<Response>;

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

async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const request = new Request(url, {
    method: req.method,
    headers: req.headers as Record<string, string>,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : (Readable.toWeb(req) as ReadableStream<Uint8Array>),
    signal: controller.signal,
    duplex: "half",
  } as RequestInit);
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
