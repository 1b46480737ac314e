import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkApiRequest, loadApiRoutes, methodsOf } from "@/lib/http/route-table.server";

const routes = loadApiRoutes(path.resolve(import.meta.dirname, "..", "..", "..", "app"));

describe("the API route table read from app/", () => {
  it("finds each route's exported methods", () => {
    expect(methodsOf("export function GET() {}\nexport async function POST() {}\nexport const DELETE = x;")).toEqual(["GET", "HEAD", "POST", "DELETE"]);
  });

  it.each([
    ["POST", "/api/infer"],
    ["GET", "/api/benchmarks/123"],
    ["DELETE", "/api/benchmarks/123"],
    ["GET", "/api/benchmarks/123/events"],
    ["GET", "/api/quizzes/cpu-or-gpu"],
    ["POST", "/api/auth/sign-up/email"],
    ["GET", "/v2"],
    ["POST", "/v2/models/digits-mlp/infer"],
    ["GET", "/v2/models/digits-mlp/versions/1/ready"],
    ["HEAD", "/api/health"],
  ])("lets %s %s through", (method, pathname) => {
    expect(checkApiRequest(routes, method, pathname)).toEqual({ ok: true });
  });

  it("answers a method the route lacks with 405 and Allow", () => {
    expect(checkApiRequest(routes, "GET", "/api/infer")).toMatchObject({ status: 405, allow: "POST" });
    expect(checkApiRequest(routes, "POST", "/v2")).toMatchObject({ status: 405, allow: "GET, HEAD" });
    expect(checkApiRequest(routes, "DELETE", "/api/progress")).toMatchObject({ status: 405 });
  });

  it("answers an unknown path with 404 and broken percent-encoding with 400", () => {
    expect(checkApiRequest(routes, "GET", "/api/does-not-exist")).toMatchObject({ status: 404, error: expect.stringMatching(/no API route/) });
    for (const bad of ["/api/quizzes/%ff", "/api/quizzes/%", "/api/quizzes/%c0%ae"]) expect(checkApiRequest(routes, "GET", bad)).toMatchObject({ status: 400 });
  });
});
