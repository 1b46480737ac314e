// The production server `npm start` runs (bundled to dist/server.cjs by
// scripts/build-server.mjs). One node:http listener: the inference JSON routes
// (POST /api/infer and the Open Inference Protocol's /v2/...) are answered
// here, before the framework, and every other request goes to Next's request
// handler. See docs/decisions/0009-production-server.md.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { serverEnv } from "@/lib/env.server";
import { checkApiRequest, hasValidPercentEncoding, isApiPath, loadApiRoutes } from "@/lib/http/route-table.server";
import { inferenceRouter, pathnameOf } from "@/lib/inference/node-routes.server";

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const env = process.env as Record<string, string | undefined>;
// `next start` sets this itself; a custom server has to.
env.NODE_ENV ??= "production";

// A bad environment stops the server here, with every wrong variable named
// (instrumentation.ts checks again inside Next): left running, it would answer 500s.
try {
  serverEnv();
} catch (error) {
  console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const { values: args } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
  strict: true,
});
const port = Number(args.port ?? env.PORT ?? "3000");
const hostname = args.hostname ?? env.HOST ?? "0.0.0.0";
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`✖ port must be an integer from 0 to 65535, got ${args.port ?? env.PORT}`);
  process.exit(1);
}

// The bundle lives in dist/; the project (with .next/, content/, generated/) is one up.
const root = path.resolve(__dirname, "..");
process.chdir(root);

const fastPath = inferenceRouter();
const apiRoutes = loadApiRoutes(path.join(root, "app"));

/**
 * Requests Next would answer outside the API's error shape (an HTML 404, an
 * empty 405, a bare 500 for broken percent-encoding) are answered here; a page
 * path that can't be decoded gets the site's 404 page.
 */
function refuseBeforeNext(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (isApiPath(pathname)) {
    const check = checkApiRequest(apiRoutes, req.method ?? "GET", pathname);
    if (check.ok) return false;
    const body = JSON.stringify({ error: check.error });
    res.writeHead(check.status, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "content-length": Buffer.byteLength(body),
      ...(check.allow ? { allow: check.allow } : {}),
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  }
  if (!hasValidPercentEncoding(pathname)) req.url = "/_not-found";
  return false;
}
let nextHandler: RequestHandler | null = null;
let resolveNext: (handler: RequestHandler) => void = () => {};
let rejectNext: (error: unknown) => void = () => {};
// Requests for Next that arrive while it prepares wait for it.
const nextReady = new Promise<RequestHandler>((resolve, reject) => {
  resolveNext = resolve;
  rejectNext = reject;
});
nextReady.catch(() => undefined);

async function startNext(actualPort: number): Promise<{ close: () => Promise<void> }> {
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: root, hostname, port: actualPort });
  await app.prepare();
  const handle = app.getRequestHandler();
  nextHandler = (req, res) => handle(req, res);
  resolveNext(nextHandler);
  return app;
}

const server = createServer((req, res) => {
  const pathname = pathnameOf(req.url);
  if (fastPath.owns(req.method, pathname)) return fastPath.handle(req, res, pathname);
  if (refuseBeforeNext(req, res, pathname)) return;
  const handled = nextHandler ? nextHandler(req, res) : nextReady.then((handle) => handle(req, res));
  handled.catch((error: unknown) => {
    console.error(error);
    if (!res.headersSent) {
      res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ error: "internal error" }));
    } else res.destroy();
  });
});

let closing = false;
function shutdown(signal: NodeJS.Signals, app: { close: () => Promise<void> } | null): void {
  if (closing) return;
  closing = true;
  // In-flight requests finish; idle keep-alive sockets close now, open streams (SSE) after a grace period.
  const force = setTimeout(() => server.closeAllConnections(), 3000);
  force.unref();
  server.close(() => {
    void (app?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  });
  server.closeIdleConnections();
  console.log(`${signal}: stopping`);
}

async function main(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  let app: { close: () => Promise<void> } | null = null;
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => shutdown(signal, app));
  try {
    app = await startNext(actual);
  } catch (error) {
    rejectNext(error);
    throw error;
  }
  console.log(`▲ Inference Lab ready on http://${hostname}:${actual} (Next.js for pages and the rest of the API; /api/infer and /v2/* answered before it)`);
}

main().catch((error: unknown) => {
  console.error(`✖ ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
