/**
 * Calling route handlers directly, as the integration suites do: requests from
 * the site's own origin (better-auth checks it), session cookies passed along.
 */
import type { TestDatabase } from "./databases";

export const origin = "http://localhost:3000";

export type RouteContext = { params: Promise<Record<string, string>> };
export type Handler = (request: Request, context: RouteContext) => Promise<Response> | Response;

export const ctx = (params: Record<string, string>): RouteContext => ({ params: Promise.resolve(params) });

export function request(path: string, options: { method?: string; body?: unknown; raw?: string; cookie?: string; headers?: Record<string, string> } = {}) {
  const headers = new Headers(options.headers);
  if (options.body !== undefined || options.raw !== undefined) headers.set("content-type", "application/json");
  if (options.cookie) headers.set("cookie", options.cookie);
  headers.set("origin", origin);
  return new Request(`${origin}${path}`, {
    method: options.method ?? (options.body !== undefined || options.raw !== undefined ? "POST" : "GET"),
    headers,
    body: options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
  });
}

export function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .join("; ");
}

/** Points the app's modules at a started test database; import routes after this. */
export function useTestDatabase(database: TestDatabase): void {
  process.env.DATABASE_URL = database.url;
  process.env.BETTER_AUTH_SECRET = "test-secret-test-secret-test-secret-0123";
  process.env.BETTER_AUTH_URL = origin;
}
