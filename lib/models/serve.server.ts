import "server-only";
import { createReadStream, statSync } from "node:fs";
import { Readable } from "node:stream";
import { jsonError } from "@/lib/http/errors";
import { ModelFileError, modelFilePath } from "./files.server";
import { getModel } from "./registry";

/**
 * GET /models/{id}.onnx: a registry model's bytes for the browser runner.
 * Only registry ids resolve (no paths from the URL touch the disk), so
 * generated files and npm-package models are served the same way.
 */
export function serveModelFile(file: string, request: Request): Response {
  const match = /^([a-z0-9-]+)\.onnx$/.exec(file);
  const spec = match ? getModel(match[1]!) : undefined;
  if (!spec) return jsonError(404, `unknown model file "${file}"; files are named <model id>.onnx`);
  let absolute: string;
  try {
    absolute = modelFilePath(spec);
  } catch (error) {
    if (error instanceof ModelFileError) return jsonError(503, error.message);
    throw error;
  }
  const stats = statSync(absolute);
  // Size and mtime change whenever the model is rebuilt, so the ETag does too.
  const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  const headers = new Headers({
    "content-type": "application/octet-stream",
    "content-length": String(stats.size),
    etag,
    // Long-lived but revalidated by ETag: a rebuilt model must not be served stale for a week.
    "cache-control": "public, max-age=86400, stale-while-revalidate=604800",
    "cross-origin-resource-policy": "same-origin",
    "x-content-type-options": "nosniff",
  });
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  if (request.method === "HEAD") return new Response(null, { status: 200, headers });
  const stream = Readable.toWeb(createReadStream(absolute)) as ReadableStream<Uint8Array>;
  return new Response(stream, { status: 200, headers });
}
