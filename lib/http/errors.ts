/**
 * The one JSON error shape of the API: `{"error": "..."}` with a fitting 4xx/5xx.
 * Browser-safe on purpose (no Node imports): route handlers, middleware and
 * client code that builds Responses all share it.
 */
export function jsonError(status: number, message: string, headers?: HeadersInit): Response {
  const merged = new Headers(headers);
  merged.set("content-type", "application/json; charset=utf-8");
  merged.set("cache-control", "no-store");
  return new Response(JSON.stringify({ error: message }), { status, headers: merged });
}

/** An error that already knows the HTTP status it should become. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function jsonOk(body: unknown, status = 200, headers?: HeadersInit): Response {
  const merged = new Headers(headers);
  merged.set("content-type", "application/json; charset=utf-8");
  merged.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status, headers: merged });
}
