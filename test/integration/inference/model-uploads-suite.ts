import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../helpers/databases";
import { cookieFrom, ctx, origin, request, useTestDatabase } from "../../helpers/route-requests";
import { badModels, goodModel, hangingModel, memoryHungryModel } from "../../helpers/upload-models";

/**
 * Instructors' model uploads against a real database (SQLite, and PostgreSQL for its part), real onnxruntime
 * sessions and real child processes: upload → capabilities → benchmark on
 * cpu → v2 infer → delete, every bad input refused with its reason, and
 * models that hang, exhaust memory or abort killing only their child.
 */
export function modelUploadsSuite(name: string, start: () => Promise<TestDatabase | { skip: string }>, { everything }: { everything: boolean }) {
  type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
  let routes: {
    auth: { POST: (r: Request) => Promise<Response> };
    models: { GET: (r: Request) => Promise<Response>; POST: (r: Request) => Promise<Response> };
    model: { DELETE: Handler };
    capabilities: { GET: () => Promise<Response> };
    benchmarks: { POST: (r: Request) => Promise<Response> };
    v2Infer: { POST: Handler };
    v2Model: { GET: Handler };
  };
  let database: TestDatabase | undefined;
  let skipReason: string | undefined;
  let modelsDir: string;
  let owner: string;
  let otherInstructor: string;
  let learner: string;

  async function signIn(email: string, password: string): Promise<string> {
    const response = await routes.auth.POST(request("/api/auth/sign-in/email", { body: { email, password } }));
    expect(response.status, await response.clone().text()).toBe(200);
    return cookieFrom(response);
  }

  function upload(bytes: Uint8Array | ReadableStream<Uint8Array>, query: Record<string, string>, cookie: string | null = owner, headers: Record<string, string> = {}) {
    const url = `${origin}/api/models?${new URLSearchParams(query)}`;
    const init: RequestInit & { duplex?: "half" } = {
      method: "POST",
      headers: { origin, "content-type": "application/octet-stream", ...(cookie ? { cookie } : {}), ...headers },
      body: bytes as BodyInit,
      ...(bytes instanceof ReadableStream ? { duplex: "half" } : {}),
    };
    return routes.models.POST(new Request(url, init));
  }

  const leftovers = () => readdirSync(modelsDir).filter((name) => name.startsWith(".upload-"));
  const storedFiles = () => readdirSync(modelsDir).filter((name) => !name.startsWith("."));

  beforeAll(async () => {
    const started = await start();
    if ("skip" in started) {
      skipReason = started.skip;
      return;
    }
    database = started;
    useTestDatabase(database);
    modelsDir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-models-"));
    process.env.MODELS_DIR = modelsDir;
    process.env.MODEL_CHECK_TIMEOUT_MS = "20000";
    routes = {
      auth: await import("@/app/api/auth/[...all]/route"),
      models: await import("@/app/api/models/route"),
      model: await import("@/app/api/models/[id]/route"),
      capabilities: await import("@/app/api/capabilities/route"),
      benchmarks: await import("@/app/api/benchmarks/route"),
      v2Infer: await import("@/app/v2/models/[name]/infer/route"),
      v2Model: await import("@/app/v2/models/[name]/route"),
    } as unknown as typeof routes;
    const { createInstructor } = await import("@/lib/auth/instructors.server");
    await createInstructor({ email: "owner@example.com", password: "owner password 1", name: "Ada Owner" });
    await createInstructor({ email: "other@example.com", password: "other password 1", name: "Other Teacher" });
    owner = await signIn("owner@example.com", "owner password 1");
    otherInstructor = await signIn("other@example.com", "other password 1");
    const signedUp = await routes.auth.POST(request("/api/auth/sign-up/email", { body: { email: "learner@example.com", password: "learner password", name: "Lea" } }));
    learner = cookieFrom(signedUp);
  }, 120_000);

  afterAll(async () => {
    if (skipReason) return;
    const { releaseAllRunners } = await import("@/lib/inference/sessions.server");
    await releaseAllRunners();
    const { db } = await import("@/lib/db/client.server");
    await db.$disconnect();
    await database?.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  describe(`who may upload (${name})`, () => {
    beforeEach((context) => {
      if (skipReason) context.skip(skipReason);
    });
    it("refuses anonymous visitors (401) and learners (403) before reading the file", async () => {
      expect((await upload(goodModel(), { name: "nope" }, null)).status).toBe(401);
      const asLearner = await upload(goodModel(), { name: "nope" }, learner);
      expect(asLearner.status).toBe(403);
      expect(await asLearner.json()).toEqual({ error: "instructors only" });
    });

    it("refuses another site's page", async () => {
      const response = await upload(goodModel(), { name: "x" }, owner, { origin: "https://evil.example" });
      expect(response.status).toBe(403);
      expect((await response.json()).error).toMatch(/evil\.example/);
    });
  });

  describe.runIf(everything)(`bad inputs, each refused with its reason and nothing left behind (${name})`, () => {
    it.each([
      ["empty file", badModels.empty, 400, /empty \(0 bytes\)/],
      ["text renamed .onnx", badModels.text, 400, /text, not an ONNX model/],
      ["truncated model", badModels.truncated, 400, /ends early/],
      ["protobuf of the wrong message", badModels.wrongMessage, 400, /protobuf but not an ONNX model/],
      ["external data", badModels.externalData, 422, /separate file.*etc\/passwd/],
      ["huge declared dimension", badModels.hugeDimension, 422, /declares shape \[batch, 1000000000, 1000000000\]/],
      ["initializer larger than its bytes", badModels.initializerTooShort, 422, /holds 16 bytes/],
      ["unknown operator", badModels.unknownOperator, 422, /no kernel for an operator.*TotallyMadeUpOp/],
      ["custom domain", badModels.customDomain, 422, /custom domain "com\.example\.customops"/],
    ] as const)("%s", async (_label, make, status, message) => {
      const response = await upload(make(), { name: `bad-${status}` });
      const body = (await response.json()) as { error: string };
      expect(response.status, body.error).toBe(status);
      expect(body.error).toMatch(message);
      expect(leftovers()).toEqual([]);
      expect(storedFiles()).toEqual([]);
    });

    it.each([
      ["a path separator", "../../etc/passwd", /path separator/],
      ["a control character", "evil\u0007name", /control character/],
      ["too many characters", "m".repeat(200), /at most 64/],
      ["a shipped model's name", "digits-mlp", /already in the catalogue/],
    ])("a name with %s", async (_label, name, message) => {
      const response = await upload(goodModel(), { name });
      expect([400, 409]).toContain(response.status);
      expect((await response.json()).error).toMatch(message);
    });

    it("a file over the cap: 413 naming the cap, before or while streaming", async () => {
      process.env.MODEL_UPLOAD_MAX_BYTES = "2048";
      try {
        const big = new Uint8Array(5000);
        const declared = await upload(big, { name: "big" }, owner, { "content-length": "5000" });
        expect(declared.status).toBe(413);
        expect((await declared.json()).error).toMatch(/over the upload cap of 2 KiB \(2048 bytes, MODEL_UPLOAD_MAX_BYTES\)/);
        // No Content-Length (chunked): the stream is cut when it passes the cap.
        const streamed = await upload(new Blob([big]).stream(), { name: "big" });
        expect(streamed.status).toBe(413);
        expect(leftovers()).toEqual([]);
      } finally {
        delete process.env.MODEL_UPLOAD_MAX_BYTES;
      }
    });

    it("an upload aborted halfway leaves no partial file", async () => {
      const bytes = goodModel(5);
      let sent = false;
      const aborted = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (!sent) {
            sent = true;
            controller.enqueue(bytes.subarray(0, 100));
          } else controller.error(new Error("connection reset by peer"));
        },
      });
      const response = await upload(aborted, { name: "aborted" });
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(/aborted after 100 bytes; nothing was kept/);
      // A client that closes early without an error: fewer bytes than it declared.
      const short = await upload(bytes.subarray(0, 50), { name: "aborted" }, owner, { "content-length": String(bytes.length) });
      expect(short.status).toBe(400);
      expect((await short.json()).error).toMatch(new RegExp(`aborted after 50 of ${bytes.length} bytes`));
      expect(leftovers()).toEqual([]);
      expect(storedFiles()).toEqual([]);
    });
  });

  describe.runIf(everything)(`a model that crashes, hangs or exhausts memory kills only its child (${name})`, () => {
    const stillServing = async () => {
      const capabilities = await routes.capabilities.GET();
      expect(capabilities.status).toBe(200);
    };

    it("a Loop that never ends: the child is killed at the time limit and the upload refused", async () => {
      process.env.MODEL_CHECK_TIMEOUT_MS = "4000";
      try {
        const started = Date.now();
        const response = await upload(hangingModel(), { name: "hangs" });
        expect(response.status).toBe(422);
        expect((await response.json()).error).toMatch(/did not finish within 4 s.*the server is unaffected/);
        expect(Date.now() - started).toBeLessThan(15_000);
      } finally {
        process.env.MODEL_CHECK_TIMEOUT_MS = "20000";
      }
      await stillServing();
      expect(storedFiles()).toEqual([]);
    });

    it("a 12 GB tensor: the child is killed at the memory limit", async () => {
      process.env.MODEL_CHECK_MEMORY_MB = "400";
      try {
        const response = await upload(memoryHungryModel(), { name: "hungry" });
        expect(response.status).toBe(422);
        expect((await response.json()).error).toMatch(/used more than 400 MiB of memory/);
      } finally {
        delete process.env.MODEL_CHECK_MEMORY_MB;
      }
      await stillServing();
    });

    it("onnxruntime aborting (simulated: the test-only hook makes the child call abort() after loading)", async () => {
      process.env.INFERENCE_LAB_MODEL_CHECK_FAULT = "abort";
      try {
        const response = await upload(goodModel(9), { name: "aborts" });
        expect(response.status).toBe(422);
        expect((await response.json()).error).toMatch(/was killed by SIGABRT \(onnxruntime aborted\)/);
      } finally {
        delete process.env.INFERENCE_LAB_MODEL_CHECK_FAULT;
      }
      await stillServing();
      expect(storedFiles()).toEqual([]);
    });
  });

  describe(`an accepted model, like a shipped one (${name})`, () => {
    beforeEach((context) => {
      if (skipReason) context.skip(skipReason);
    });
    let id: string;

    it("upload → capabilities → benchmark on cpu → v2 infer → delete", async () => {
      const bytes = goodModel(1);
      const created = await upload(bytes, { name: "two-input-tanh", description: "Two inputs, symbolic sequence length", axes: "sequence=6" });
      const body = await created.json();
      expect(created.status, body.error).toBe(201);
      id = body.model.id;
      expect(body.model).toMatchObject({ name: "two-input-tanh", sizeBytes: bytes.length, addedBy: { name: "Ada Owner" }, mine: true });
      expect(body.model.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(body.check.sessionCreateMs).toBeGreaterThan(0);
      expect(storedFiles().sort()).toEqual([`${body.model.sha256}.json`, `${body.model.sha256}.onnx`]);

      const capabilities = await (await routes.capabilities.GET()).json();
      const listed = capabilities.models.find((m: { id: string }) => m.id === "two-input-tanh");
      expect(listed).toMatchObject({
        ready: true,
        batchAxis: 0,
        inputs: [
          { name: "a", dtype: "float32", shape: ["batch", "sequence", 8] },
          { name: "b", dtype: "float32", shape: ["batch", "sequence", 4] },
        ],
        catalog: { variant: "uploaded", addedBy: { name: "Ada Owner" }, task: "Two inputs, symbolic sequence length" },
      });

      const benchmark = await routes.benchmarks.POST(
        request("/api/benchmarks", { body: { model: "two-input-tanh", lane: "cpu", threads: 1, scenario: { kind: "single-stream", warmupRuns: 2, minRuns: 20, minDurationMs: 20 } } }),
      );
      expect(benchmark.status).toBe(202);
      const { benchmarkJobs } = await import("@/lib/inference/benchmarks.server");
      const done = await benchmarkJobs().wait((await benchmark.json()).id);
      expect(done?.state, done?.error ?? "").toBe("done");
      expect(done!.results!.scenario).toMatchObject({ kind: "single-stream" });

      const meta = await (await routes.v2Model.GET(new Request("http://t"), ctx({ name: "two-input-tanh" }))).json();
      expect(meta.inputs).toEqual([
        { name: "a", datatype: "FP32", shape: [-1, -1, 8] },
        { name: "b", datatype: "FP32", shape: [-1, -1, 4] },
      ]);
      const a = Array.from({ length: 2 * 8 }, (_, i) => (i % 8 === 0 ? 1 : 0));
      const b = Array.from({ length: 2 * 4 }, () => 0);
      const inferred = await routes.v2Infer.POST(
        request("/v2/models/two-input-tanh/infer", {
          body: { inputs: [{ name: "a", shape: [1, 2, 8], datatype: "FP32", data: a }, { name: "b", shape: [1, 2, 4], datatype: "FP32", data: b }] },
        }),
        ctx({ name: "two-input-tanh" }),
      );
      const result = await inferred.json();
      expect(inferred.status, result.error).toBe(200);
      expect(result.outputs[0]).toMatchObject({ name: "y", shape: [1, 2, 4], datatype: "FP32" });
      // a selects row 0 of W, so y = tanh(W[0]): checked against the weights the fixture drew.
      const { asModel, floatValues } = await import("@/lib/models/onnx-builder");
      const weights = floatValues(asModel(bytes).graph.initializer[0]!);
      expect(result.outputs[0].data.slice(0, 4).map((v: number) => v.toFixed(5))).toEqual(Array.from(weights.subarray(0, 4), (w) => Math.tanh(w).toFixed(5)));
    });

    it("recognises a duplicate file and a taken name (409)", async () => {
      const again = await upload(goodModel(1), { name: "another-name" });
      expect(again.status).toBe(409);
      expect((await again.json()).error).toMatch(/already in the catalogue as "two-input-tanh"/);
      const taken = await upload(goodModel(2), { name: "two-input-tanh" });
      expect(taken.status).toBe(409);
    });

    it("the same upload twice at once: one wins, the other is told it is a duplicate", async () => {
      const bytes = goodModel(3);
      const answers = await Promise.all([upload(bytes, { name: "twice-a" }), upload(bytes, { name: "twice-b" })]);
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409]);
      const loser = answers.find((r) => r.status === 409)!;
      expect((await loser.json()).error).toMatch(/duplicate|already in the catalogue/);
      expect(leftovers()).toEqual([]);
    });

    it("lists uploads with who added them; only that instructor may delete, and deleting releases its sessions", async () => {
      const listed = await (await routes.models.GET(request("/api/models", { cookie: otherInstructor }))).json();
      const entry = listed.models.find((m: { id: string }) => m.id === id);
      expect(entry).toMatchObject({ name: "two-input-tanh", mine: false, addedBy: { name: "Ada Owner" } });

      const deleteAs = (cookie?: string) => routes.model.DELETE(request(`/api/models/${id}`, { method: "DELETE", cookie }), ctx({ id }));
      expect((await deleteAs()).status).toBe(401);
      expect((await deleteAs(learner)).status).toBe(403);
      const byOther = await deleteAs(otherInstructor);
      expect(byOther.status).toBe(403);
      expect((await byOther.json()).error).toMatch(/only the instructor who added "two-input-tanh"/);

      const { runnerCount } = await import("@/lib/inference/sessions.server");
      const before = runnerCount();
      const deleted = await deleteAs(owner);
      const body = await deleted.json();
      expect(deleted.status, body.error).toBe(200);
      expect(body.sessionsReleased).toBeGreaterThanOrEqual(1);
      expect(runnerCount()).toBe(before - body.sessionsReleased);
      const capabilities = await (await routes.capabilities.GET()).json();
      expect(capabilities.models.map((m: { id: string }) => m.id)).not.toContain("two-input-tanh");
      expect((await routes.v2Model.GET(new Request("http://t"), ctx({ name: "two-input-tanh" }))).status).toBe(404);
      expect(existsSync(path.join(modelsDir, `${body.deleted.sha256}.onnx`))).toBe(false);
      expect((await deleteAs(owner)).status).toBe(404);
    });
  });
}
