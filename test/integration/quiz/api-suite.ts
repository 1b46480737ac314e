import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieFrom, ctx, type Handler, request, useTestDatabase } from "../../helpers/route-requests";
import type { TestDatabase } from "../../helpers/databases";

type Routes = {
  auth: { GET: (r: Request) => Promise<Response>; POST: (r: Request) => Promise<Response> };
  quiz: { GET: Handler };
  attempts: { GET: Handler; POST: Handler };
  attempt: { GET: Handler };
  progress: { GET: (r: Request) => Promise<Response>; POST: (r: Request) => Promise<Response> };
  classes: { GET: (r: Request) => Promise<Response>; POST: (r: Request) => Promise<Response> };
  join: { POST: (r: Request) => Promise<Response> };
  setup: { POST: (r: Request) => Promise<Response> };
};

/**
 * The quiz, progress, class and auth API against one real database. The same
 * suite runs on a SQLite file and on a throwaway PostgreSQL server.
 */
export function apiSuite(name: string, start: () => Promise<TestDatabase | { skip: string }>) {
  let database: TestDatabase | undefined;
  let skipReason: string | undefined;
  let routes: Routes;
  let db: typeof import("@/lib/db/client.server").db;

  const signUp = async (email: string, password = "correct horse battery") => {
    const response = await routes.auth.POST(request("/api/auth/sign-up/email", { body: { email, password, name: email.split("@")[0] } }));
    expect(response.status, await response.clone().text()).toBe(200);
    return cookieFrom(response);
  };

  const submit = (quizId: string, answers: unknown, cookie?: string, seed = 42) =>
    routes.attempts.POST(request(`/api/quizzes/${quizId}/attempts`, { body: { seed, answers }, cookie }), ctx({ quizId }));

  beforeAll(async () => {
    const started = await start();
    if ("skip" in started) {
      skipReason = started.skip;
      return;
    }
    database = started;
    useTestDatabase(database);
    routes = {
      auth: await import("@/app/api/auth/[...all]/route"),
      quiz: await import("@/app/api/quizzes/[quizId]/route"),
      attempts: await import("@/app/api/quizzes/[quizId]/attempts/route"),
      attempt: await import("@/app/api/quizzes/[quizId]/attempts/[attemptId]/route"),
      progress: await import("@/app/api/progress/route"),
      classes: await import("@/app/api/classes/route"),
      join: await import("@/app/api/classes/join/route"),
      setup: await import("@/app/api/setup/route"),
    } as unknown as Routes;
    db = (await import("@/lib/db/client.server")).db;
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    await database?.stop();
  });

  describe(`quiz API on ${name}`, () => {
    it("runs against the database it was given", (context) => {
      if (skipReason) context.skip(skipReason);
      expect(process.env.DATABASE_URL).toBe(database!.url);
    });

    it("serves the public copy without keys or explanations, and refuses anonymous submissions", async (context) => {
      if (skipReason) context.skip(skipReason);
      const response = await routes.quiz.GET(request("/api/quizzes/cpu-or-gpu"), ctx({ quizId: "cpu-or-gpu" }));
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).not.toMatch(/"correct"|"explanation"|"answer"|"tolerance"/);
      expect(JSON.parse(text).questions).toHaveLength(9);
      const anonymous = await submit("cpu-or-gpu", { "memory-bound": "bandwidth" });
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ error: "sign in first" });
    });

    it("grades on the server, stores the attempt and shows feedback for every choice", async (context) => {
      if (skipReason) context.skip(skipReason);
      const cookie = await signUp(`grade-${name}@example.com`);
      const response = await submit(
        "cpu-or-gpu",
        { "memory-bound": "bandwidth", "three-numbers": ["latency", "rate", "training"], "intensity-batch-64": 32.2, "weights-mb": 67 },
        cookie,
      );
      expect(response.status).toBe(201);
      const body = await response.json();
      // 1 + (2 right − 1 wrong)/3 + 1 + 1, five questions unanswered
      expect(body.score).toBeCloseTo(3.333, 3);
      expect(body.maxScore).toBe(9);
      const mc = body.results.find((r: { questionId: string }) => r.questionId === "three-numbers");
      expect(mc.choices.every((c: { explanation: string }) => c.explanation.length > 5)).toBe(true);
      const rows = await db.quizAttempt.findMany({ where: { quizId: "cpu-or-gpu", user: { email: `grade-${name}@example.com` } } });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.seed).toBe(42);
      expect(JSON.parse(rows[0]!.answers)["intensity-batch-64"]).toBe(32.2);
      const progress = await (await routes.progress.GET(request("/api/progress", { cookie }))).json();
      expect(progress.lessons["cpu-or-gpu"]).toMatchObject({ bestScore: expect.closeTo(3.333 / 9, 3), attempts: 1 });
    });

    it("grades a question against the learner's own stored experiment result", async (context) => {
      if (skipReason) context.skip(skipReason);
      const withResult = await signUp(`own-result-${name}@example.com`);
      const user = await db.user.findUniqueOrThrow({ where: { email: `own-result-${name}@example.com` } });
      const stored = { lessonSlug: "latency-is-a-distribution", modelId: "digits-mlp", environment: "{}", results: "{}" };
      // An older run and another lane must not be the key: the latest server-cpu latency run is.
      await db.experimentResult.create({ data: { ...stored, id: `old-${name}`, userId: user.id, experiment: "latency", lane: "server-cpu", p50Ms: 9, verified: true, createdAt: new Date(Date.now() - 60_000) } });
      await db.experimentResult.create({ data: { ...stored, id: `wasm-${name}`, userId: user.id, experiment: "latency", lane: "browser-wasm", p50Ms: 3 } });
      await db.experimentResult.create({ data: { ...stored, id: `new-${name}`, userId: user.id, experiment: "latency", lane: "server-cpu", p50Ms: 0.12, verified: true, createdAt: new Date(Date.now() - 1000) } });
      // Newest, but not verified against a server benchmark run: a made-up figure never answers the question.
      await db.experimentResult.create({ data: { ...stored, id: `forged-${name}`, userId: user.id, experiment: "latency", lane: "server-cpu", p50Ms: 1.2345 } });
      const scoreOf = async (cookie: string, answer: number) => {
        const body = await (await submit("latency-is-a-distribution", { "your-p50": answer }, cookie)).json();
        return body.results.find((r: { questionId: string }) => r.questionId === "your-p50");
      };
      expect((await scoreOf(withResult, 0.124)).score).toBe(1); // within 5%
      expect((await scoreOf(withResult, 9)).score).toBe(0);
      expect((await scoreOf(withResult, 1.2345)).score).toBe(0);
      const without = await signUp(`no-result-${name}@example.com`);
      const unanswerable = await scoreOf(without, 0.12);
      expect(unanswerable.score).toBe(0);
      expect(unanswerable.explanation).toMatch(/No stored experiment result/);
    });

    it("stores the largest seed a browser can pick", async (context) => {
      if (skipReason) context.skip(skipReason);
      const { MAX_SEED } = await import("@/lib/quiz/shuffle");
      const cookie = await signUp(`seed-${name}@example.com`);
      expect((await submit("cpu-or-gpu", {}, cookie, MAX_SEED)).status).toBe(201);
      const rows = await db.quizAttempt.findMany({ where: { user: { email: `seed-${name}@example.com` } } });
      expect(rows.map((row) => row.seed)).toEqual([MAX_SEED]);
    });

    it("never lets one learner read or write another learner's attempts", async (context) => {
      if (skipReason) context.skip(skipReason);
      const alice = await signUp(`alice-${name}@example.com`);
      const bob = await signUp(`bob-${name}@example.com`);
      const created = await (await submit("cpu-or-gpu", { "memory-bound": "bandwidth" }, alice)).json();
      const own = await routes.attempt.GET(request(`/api/quizzes/cpu-or-gpu/attempts/${created.attemptId}`, { cookie: alice }), ctx({ quizId: "cpu-or-gpu", attemptId: created.attemptId }));
      expect(own.status).toBe(200);
      const stolen = await routes.attempt.GET(request(`/api/quizzes/cpu-or-gpu/attempts/${created.attemptId}`, { cookie: bob }), ctx({ quizId: "cpu-or-gpu", attemptId: created.attemptId }));
      expect(stolen.status).toBe(404);
      const anonymous = await routes.attempt.GET(request(`/api/quizzes/cpu-or-gpu/attempts/${created.attemptId}`), ctx({ quizId: "cpu-or-gpu", attemptId: created.attemptId }));
      expect(anonymous.status).toBe(401);
      const bobsList = await (await routes.attempts.GET(request("/api/quizzes/cpu-or-gpu/attempts", { cookie: bob }), ctx({ quizId: "cpu-or-gpu" }))).json();
      expect(bobsList.attempts).toEqual([]);
      // There is no way to name another user: extra fields are refused, so an attempt always belongs to the session's user.
      const forged = await routes.attempts.POST(
        request("/api/quizzes/cpu-or-gpu/attempts", { body: { seed: 1, answers: {}, userId: "someone-else" }, cookie: bob }),
        ctx({ quizId: "cpu-or-gpu" }),
      );
      expect(forged.status).toBe(400);
      expect((await forged.json()).error).toMatch(/userId/);
      expect(await db.quizAttempt.count({ where: { user: { email: `alice-${name}@example.com` } } })).toBe(1);
    });

    it("answers bad submissions with a 4xx that names the problem, and stores nothing", async (context) => {
      if (skipReason) context.skip(skipReason);
      const cookie = await signUp(`bad-${name}@example.com`);
      const cases: Array<[Request, string, number, RegExp]> = [
        [request("/api/quizzes/cpu-or-gpu/attempts", { raw: "{not json", cookie }), "cpu-or-gpu", 400, /malformed JSON/],
        [request("/api/quizzes/cpu-or-gpu/attempts", { raw: JSON.stringify({ seed: 1, answers: { x: "a".repeat(20_000) } }), cookie }), "cpu-or-gpu", 413, /limit/],
        [request("/api/quizzes/no-such-quiz/attempts", { body: { seed: 1, answers: {} }, cookie }), "no-such-quiz", 404, /unknown quiz id "no-such-quiz"/],
        [request("/api/quizzes/cpu-or-gpu/attempts", { body: { seed: 1, answers: { nope: "a" } }, cookie }), "cpu-or-gpu", 400, /unknown question id "nope"/],
        // A prototype key is refused like any unknown id (it once vanished inside the record and scored 201).
        [request("/api/quizzes/cpu-or-gpu/attempts", { raw: '{"seed":1,"answers":{"__proto__":["bandwidth"]}}', cookie }), "cpu-or-gpu", 400, /"__proto__" is not allowed/],
        // The seed column is PostgreSQL's 32-bit integer: a larger seed is bad input, not a 500.
        [request("/api/quizzes/cpu-or-gpu/attempts", { body: { seed: 2 ** 31, answers: {} }, cookie }), "cpu-or-gpu", 400, /seed/],
        [request("/api/quizzes/cpu-or-gpu/attempts", { body: { seed: 1, answers: { "memory-bound": ["bandwidth"] } }, cookie }), "cpu-or-gpu", 400, /memory-bound: expected one choice id/],
        [request("/api/quizzes/cpu-or-gpu/attempts", { body: { seed: 1, answers: { "weights-mb": "67" } }, cookie }), "cpu-or-gpu", 400, /weights-mb: expected a number/],
        [request("/api/quizzes/cpu-or-gpu/attempts", { body: { seed: 1, answers: { "three-numbers": ["latency", "zzz"] } }, cookie }), "cpu-or-gpu", 400, /unknown choice id "zzz"/],
        [request("/api/quizzes/cpu-or-gpu/attempts", { body: { seed: -1, answers: {} }, cookie }), "cpu-or-gpu", 400, /seed/],
        [request("/api/quizzes/cpu-or-gpu/attempts", { body: { answers: {} }, cookie }), "cpu-or-gpu", 400, /seed/],
      ];
      for (const [req, quizId, status, message] of cases) {
        const response = await routes.attempts.POST(req, ctx({ quizId }));
        expect(response.status, `${quizId} ${message}`).toBe(status);
        expect((await response.json()).error).toMatch(message);
      }
      expect(await db.quizAttempt.count({ where: { user: { email: `bad-${name}@example.com` } } })).toBe(0);
    });

    it("keeps max attempts exact under concurrent submissions", async (context) => {
      if (skipReason) context.skip(skipReason);
      const cookie = await signUp(`max-${name}@example.com`);
      const responses = await Promise.all(
        Array.from({ length: 7 }, (_, i) => submit("latency-is-a-distribution", { "p99-meaning": "ninety-nine", "fan-out": 18 + i / 10 }, cookie, i)),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 201, 201, 409, 409, 409, 409]);
      const refused = responses.find((r) => r.status === 409)!;
      expect((await refused.json()).error).toMatch(/no attempts left: quiz latency-is-a-distribution allows 3/);
      const rows = await db.quizAttempt.findMany({ where: { quizId: "latency-is-a-distribution", user: { email: `max-${name}@example.com` } } });
      expect(rows.map((r) => r.attemptNumber).sort()).toEqual([1, 2, 3]);
    });

    it("records reading and experiments per lesson and refuses unknown lessons", async (context) => {
      if (skipReason) context.skip(skipReason);
      const cookie = await signUp(`progress-${name}@example.com`);
      for (const event of ["read", "read", "experiment", "experiment"]) {
        expect((await routes.progress.POST(request("/api/progress", { body: { lessonSlug: "latency-is-a-distribution", event }, cookie }))).status).toBe(200);
      }
      const unknown = await routes.progress.POST(request("/api/progress", { body: { lessonSlug: "nope", event: "read" }, cookie }));
      expect(unknown.status).toBe(404);
      const anonymous = await routes.progress.POST(request("/api/progress", { body: { lessonSlug: "cpu-or-gpu", event: "read" } }));
      expect(anonymous.status).toBe(401);
      const body = await (await routes.progress.GET(request("/api/progress", { cookie }))).json();
      expect(body.lessons["latency-is-a-distribution"]).toEqual({ read: true, experimentsRun: 2, bestScore: null, attempts: 0 });
      expect((await (await routes.progress.GET(request("/api/progress"))).json()).signedIn).toBe(false);
    });

    it("stores argon2id hashes and ignores a role sent at sign-up", async (context) => {
      if (skipReason) context.skip(skipReason);
      const email = `role-${name}@example.com`;
      const response = await routes.auth.POST(
        request("/api/auth/sign-up/email", { body: { email, password: "correct horse battery", name: "x", role: "instructor" } }),
      );
      const user = await db.user.findUnique({ where: { email }, include: { accounts: true } });
      // better-auth either refuses the field or drops it; either way nobody becomes an instructor by asking.
      if (response.status === 200) expect(user?.role).toBe("learner");
      else expect(user).toBeNull();
      const other = await db.user.findUnique({ where: { email: `grade-${name}@example.com` }, include: { accounts: true } });
      expect(other?.accounts[0]?.password).toMatch(/^\$argon2id\$/);
    });

    it("limits failed logins per account, whatever X-Forwarded-For says", async (context) => {
      if (skipReason) context.skip(skipReason);
      const email = `throttle-${name}@example.com`;
      await signUp(email);
      const login = (password: string, ip: string) =>
        routes.auth.POST(request("/api/auth/sign-in/email", { body: { email, password }, headers: { "x-forwarded-for": ip, "x-inference-lab-client-ip": ip } }));
      for (let i = 0; i < 5; i++) expect((await login("wrong password", `10.0.0.${i}`)).status).toBe(401);
      const blocked = await login("correct horse battery", "10.0.1.1");
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    });

    it("lets only instructors create classes; learners join with the code", async (context) => {
      if (skipReason) context.skip(skipReason);
      const setup = await routes.setup.POST(request("/api/setup", { body: { email: `teacher-${name}@example.com`, password: "teacher password 1" } }));
      expect(setup.status).toBe(201);
      const again = await routes.setup.POST(request("/api/setup", { body: { email: `teacher2-${name}@example.com`, password: "teacher password 1" } }));
      expect(again.status).toBe(403);
      const teacherLogin = await routes.auth.POST(request("/api/auth/sign-in/email", { body: { email: `teacher-${name}@example.com`, password: "teacher password 1" } }));
      const teacher = cookieFrom(teacherLogin);
      const learner = await signUp(`pupil-${name}@example.com`);
      expect((await routes.classes.POST(request("/api/classes", { body: { name: "Sneaky" }, cookie: learner }))).status).toBe(403);
      expect((await routes.classes.POST(request("/api/classes", { body: { name: "Nobody" } }))).status).toBe(401);
      const created = await routes.classes.POST(request("/api/classes", { body: { name: "Inference 101" }, cookie: teacher }));
      expect(created.status).toBe(201);
      const { joinCode } = await created.json();
      expect(joinCode).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
      expect((await routes.join.POST(request("/api/classes/join", { body: { code: "ZZZZZZZZ" }, cookie: learner }))).status).toBe(404);
      const joined = await routes.join.POST(request("/api/classes/join", { body: { code: joinCode.toLowerCase() }, cookie: learner }));
      expect(joined.status).toBe(200);
      const list = await (await routes.classes.GET(request("/api/classes", { cookie: teacher }))).json();
      expect(list.classes[0]).toMatchObject({ name: "Inference 101", members: 1 });
    });
  });
}
