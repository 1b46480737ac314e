import "server-only";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as api from "./api.server";
import { createNodeRouter, inferenceJsonRoutes, inferenceRoutes, type Route } from "./node-routes.server";

/**
 * The whole inference API (the fast path's routes plus capabilities and
 * benchmark jobs) on a bare node:http server, routed to the same handler
 * functions as app/'s route files. For tests that need a second Open
 * Inference Protocol server (the remote lane) without building Next. The
 * production server (server/main.ts) answers the inference routes the same
 * way and hands the rest to Next.
 */
const jobRoutes: Route[] = [
  ["GET", /^\/api\/capabilities$/, () => api.capabilities()],
  ["POST", /^\/api\/benchmarks$/, (r) => api.postBenchmark(r)],
  ["GET", /^\/api\/benchmarks\/([^/]+)$/, (_r, m) => api.getBenchmark(m[0]!)],
  ["DELETE", /^\/api\/benchmarks\/([^/]+)$/, (_r, m) => api.deleteBenchmark(m[0]!)],
  ["GET", /^\/api\/benchmarks\/([^/]+)\/events$/, (r, m) => api.benchmarkEvents(m[0]!, r)],
];

export async function startStandaloneServer(port = 0, host = "127.0.0.1"): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const router = createNodeRouter(inferenceJsonRoutes, [...inferenceRoutes, ...jobRoutes]);
  const server = createServer((req, res) => router.handle(req, res));
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
