import "server-only";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The API's routes and the methods each answers, read from app/'s route files
 * when the production server starts. Next answers an unknown API path with its
 * HTML 404 page and a known path with another method with an empty 405, and a
 * path with broken percent-encoding with a bare 500; the server answers those
 * itself from this table, in the API's one error shape, with `Allow` on a 405.
 */
export interface ApiRoute {
  pattern: RegExp;
  methods: string[];
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const exportedMethod = new RegExp(String.raw`export\s+(?:async\s+)?(?:function\s+|const\s+)(${METHODS.join("|")})\b`, "g");

function segmentPattern(segment: string): string {
  if (/^\[\[?\.\.\.[^\]]+\]\]?$/.test(segment)) return "(?:/.+)" + (segment.startsWith("[[") ? "?" : "");
  if (/^\[[^\]]+\]$/.test(segment)) return "/[^/]+";
  if (/^\(.*\)$/.test(segment)) return "";
  return "/" + segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Methods a route file exports; HEAD comes with GET, as Next serves it. */
export function methodsOf(source: string): string[] {
  const found = new Set([...source.matchAll(exportedMethod)].map((m) => m[1]!));
  if (found.has("GET")) found.add("HEAD");
  return METHODS.filter((m) => found.has(m));
}

export function loadApiRoutes(appDir: string, prefixes: readonly string[] = ["api", "v2"]): ApiRoute[] {
  const routes: ApiRoute[] = [];
  const visit = (dir: string, segments: string[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(path.join(dir, entry.name), [...segments, entry.name]);
      else if (/^route\.(ts|tsx|js|mjs)$/.test(entry.name)) {
        const pattern = new RegExp(`^${segments.map(segmentPattern).join("")}/?$`);
        routes.push({ pattern, methods: methodsOf(readFileSync(path.join(dir, entry.name), "utf8")) });
      }
    }
  };
  for (const prefix of prefixes) visit(path.join(appDir, prefix), [prefix]);
  // Static segments before dynamic ones, as Next matches them.
  return routes.sort((a, b) => (a.pattern.source.match(/\[\^\/\]|\.\+/g)?.length ?? 0) - (b.pattern.source.match(/\[\^\/\]|\.\+/g)?.length ?? 0));
}

export function isApiPath(pathname: string): boolean {
  return pathname.startsWith("/api/") || pathname === "/api" || pathname === "/v2" || pathname.startsWith("/v2/");
}

/** Every segment must decode: `%ff`, a lone `%` or an overlong UTF-8 sequence is the client's error. */
export function hasValidPercentEncoding(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export type ApiRouteCheck = { ok: true } | { ok: false; status: 400 | 404 | 405; error: string; allow?: string };

/** What the API must answer before any handler runs, or ok to go on. */
export function checkApiRequest(routes: readonly ApiRoute[], method: string, pathname: string): ApiRouteCheck {
  if (!hasValidPercentEncoding(pathname)) return { ok: false, status: 400, error: "the path has invalid percent-encoding" };
  const route = routes.find((r) => r.pattern.test(pathname));
  if (!route) return { ok: false, status: 404, error: `no API route at ${pathname.slice(0, 200)}` };
  if (method === "OPTIONS" || route.methods.includes(method)) return { ok: true };
  const allow = route.methods.join(", ");
  return { ok: false, status: 405, error: `${method.slice(0, 16)} is not allowed on ${pathname.slice(0, 200)}; allowed: ${allow}`, allow };
}
