import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { loadApiRoutes } from "@/lib/http/route-table.server";
import { signUp } from "../helpers/server";

/**
 * Every API route on the production server, fed what a careless script or an
 * attacker sends: the answer is always a 4xx with {"error": "..."} (or a
 * success), never a 5xx, and the server is healthy afterwards.
 */
const baseUrl = inject("baseUrl");
const routes = loadApiRoutes(path.resolve(import.meta.dirname, "..", "..", "app"));

/** A concrete path per route file, its dynamic segments filled with a plausible id. */
function samplePath(pattern: RegExp): string {
  return pattern.source
    .replace(/^\^/, "")
    .replace(/\\\//g, "/")
    .replace(/\/\?\$$/, "")
    .split("(?:/.+)?").join("/sign-in/email")
    .split("(?:/.+)").join("/sign-in/email")
    .split("/[^/]+").join("/digits-mlp")
    .replace(/\\/g, "");
}

const BAD_SEGMENTS = ["%ff", "%", "%c0%ae", "x".repeat(3000), "%00", "..%2f..%2fetc", "__proto__"];
const deep = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

const BODIES: Array<[string, string, string]> = [
  ["invalid JSON", "application/json", "{oops"],
  ["empty", "application/json", ""],
  ["wrong type: array", "application/json", "[1,2,3]"],
  ["wrong type: string", "application/json", '"hello"'],
  ["wrong type: number", "application/json", "42"],
  ["null", "application/json", "null"],
  ["missing fields", "application/json", "{}"],
  ["wrong field types", "application/json", JSON.stringify({ model: 1, lane: [], inputs: "x", seed: "s", answers: 3, lessonSlug: {}, code: 5, name: [], runs: "r" })],
  ["huge numbers", "application/json", JSON.stringify({ model: "digits-mlp", lane: "cpu", batch: 1e308, seed: -1e308, durationMs: 9e15, concurrency: 1e9 })],
  ["NaN-like strings", "application/json", '{"batch": "NaN", "seed": "Infinity", "durationMs": "-Infinity"}'],
  ["negative numbers", "application/json", JSON.stringify({ model: "digits-mlp", lane: "cpu", batch: -5, seed: -1, durationMs: -100 })],
  ["NUL and odd unicode", "application/json", JSON.stringify({ model: "digits\u0000mlp", lane: "c\u202epu", name: "\uD800", code: "\u0000\u0000\u0000\u0000", lessonSlug: "\uFEFF" })],
  ["prototype keys", "application/json", '{"__proto__":{"admin":true},"seed":1,"answers":{"__proto__":["bandwidth"]},"constructor":{"prototype":{}}}'],
  ["deep array nesting", "application/json", deep(5000)],
  ["deep object nesting", "application/json", deepObject(5000)],
  ["wrong content type", "text/plain", JSON.stringify({ model: "digits-mlp", lane: "cpu" })],
  ["form body", "application/x-www-form-urlencoded", "model=digits-mlp&lane=cpu"],
  ["zero-sized image", "application/json", JSON.stringify({ model: "ocr-det", lane: "cpu", inputs: { x: { shape: [1, 3, 0, 0], data: [] } } })],
  ["v2 zero-sized", "application/json", JSON.stringify({ inputs: [{ name: "x", shape: [1, 3, 0, 0], datatype: "FP32", data: [] }] })],
];

interface Outcome {
  label: string;
  status: number;
  body: string;
}

async function send(method: string, pathname: string, label: string, body?: { type: string; text: string }, cookie?: string): Promise<Outcome> {
  const headers: Record<string, string> = {};
  if (body) headers["content-type"] = body.type;
  if (cookie) headers.cookie = cookie;
  // The site's own origin: these are bad inputs, not cross-site requests (those are refused before parsing).
  if (method !== "GET" && method !== "HEAD") headers.origin = baseUrl;
  const response = await fetch(`${baseUrl}${pathname}`, { method, headers, body: body?.text, redirect: "manual" });
  const text = method === "HEAD" ? "" : await response.text();
  return { label: `${method} ${pathname.slice(0, 80)} (${label})`, status: response.status, body: text };
}

function problems(outcomes: Outcome[]): string[] {
  const found: string[] = [];
  for (const o of outcomes) {
    if (o.status >= 500) found.push(`${o.label}: ${o.status} ${o.body.slice(0, 200)}`);
    else if (o.status >= 400 && !o.label.startsWith("HEAD")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(o.body);
      } catch {
        parsed = null;
      }
      if (typeof (parsed as { error?: unknown } | null)?.error !== "string") found.push(`${o.label}: ${o.status} without {"error"}: ${o.body.slice(0, 120)}`);
    }
  }
  return found;
}

describe("bad input on every API route", () => {
  it("is answered 4xx with {\"error\"} and never 5xx, and the server stays healthy", async () => {
    const learner = await signUp(baseUrl, `bad-input-${Date.now()}@example.com`);
    const outcomes: Outcome[] = [];
    for (const route of routes) {
      const pathname = samplePath(route.pattern);
      const dynamic = pathname.includes("/digits-mlp");
      for (const cookie of [undefined, learner]) {
        for (const method of route.methods.filter((m) => m !== "GET" && m !== "HEAD")) {
          for (const [label, type, text] of BODIES) outcomes.push(await send(method, pathname, label, { type, text }, cookie));
          outcomes.push(await send(method, pathname, "oversized", { type: "application/json", text: `{"pad":"${"x".repeat(17 * 1024 * 1024)}"}` }, cookie));
        }
        if (route.methods.includes("GET") && !pathname.endsWith("/events")) outcomes.push(await send("GET", `${pathname}?limit=-1&model=%ff&lane=${"x".repeat(500)}`, "odd query", undefined, cookie));
      }
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !route.methods.includes(m))) {
        const outcome = await send(method, pathname, "method not allowed", method === "GET" ? undefined : { type: "application/json", text: "{}" });
        outcomes.push(outcome);
        expect(outcome.status, outcome.label).toBe(405);
      }
      if (dynamic) {
        for (const segment of BAD_SEGMENTS) {
          const badPath = pathname.replace("/digits-mlp", `/${segment}`);
          outcomes.push(await send(route.methods[0] === "HEAD" ? "GET" : route.methods[0]!, badPath, `bad segment ${segment.slice(0, 12)}`, route.methods[0] === "GET" ? undefined : { type: "application/json", text: "{}" }, learner));
        }
      }
    }
    outcomes.push(await send("GET", "/api/does-not-exist", "unknown route"));
    outcomes.push(await send("POST", "/v2/nothing/here", "unknown route", { type: "application/json", text: "{}" }));
    const pageStatuses = await Promise.all(["/lessons/%c0%ae%c0%ae", "/results/%", "/lessons/%ff"].map(async (p) => (await fetch(`${baseUrl}${p}`)).status));
    expect(pageStatuses).toEqual([404, 404, 404]);

    const fourxx = outcomes.filter((o) => o.status >= 400 && o.status < 500).length;
    const fivexx = outcomes.filter((o) => o.status >= 500).length;
    console.log(`bad-input suite: ${outcomes.length} requests on ${routes.length} routes, ${fourxx} answered 4xx, ${fivexx} answered 5xx, ${outcomes.length - fourxx - fivexx} other`);
    expect(problems(outcomes)).toEqual([]);
    const health = await fetch(`${baseUrl}/api/health`);
    expect(health.status).toBe(200);
  }, 600_000);

  it("refuses a learner's state-changing request sent from another site's page", async () => {
    const learner = await signUp(baseUrl, `csrf-${Date.now()}@example.com`);
    const response = await fetch(`${baseUrl}/api/progress`, {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "https://evil.example", cookie: learner },
      body: JSON.stringify({ lessonSlug: "cpu-or-gpu", read: true }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toMatch(/evil\.example/);
  });
});
