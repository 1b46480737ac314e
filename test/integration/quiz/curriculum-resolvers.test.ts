import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../helpers/route-requests";
import { sqliteDatabase, type TestDatabase } from "./databases";

/**
 * The own-result questions of lessons 6 (quantization) and 7 (cost), on a real SQLite database:
 * the lesson quizzes' figure references and the joules resolver read the learner's latest verified
 * run of the right experiment, model, lane (and batch), and give nothing for a run that does not exist.
 */
describe("lessons 6 and 7: questions checked against the learner's own results", () => {
  let database: TestDatabase;
  let db: typeof import("@/lib/db/client.server").db;
  let resolveResult: typeof import("@/lib/quiz/resolvers.server").resolveResult;
  let resolveFigure: typeof import("@/lib/quiz/result-figures.server").resolveFigure;
  let loadLessonQuiz: typeof import("@/lib/quiz/loader.server").loadLessonQuiz;

  beforeAll(async () => {
    database = sqliteDatabase();
    useTestDatabase(database);
    db = (await import("@/lib/db/client.server")).db;
    ({ resolveResult } = await import("@/lib/quiz/resolvers.server"));
    ({ resolveFigure } = await import("@/lib/quiz/result-figures.server"));
    ({ loadLessonQuiz } = await import("@/lib/quiz/loader.server"));
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    await database?.stop();
  });

  const user = async (email: string) => db.user.create({ data: { id: email, email, name: email, emailVerified: false } });
  const row = (userId: string, id: string, fields: { experiment: string; modelId: string; batchSize?: number; throughput?: number; verified?: boolean; results: object; createdAt: Date }) =>
    db.experimentResult.create({ data: { id, userId, lane: "server-cpu", environment: "{}", lessonSlug: "x", verified: true, ...fields, results: JSON.stringify(fields.results) } });

  /** The figure reference a quiz question of `slug` points at. */
  function refOf(slug: string, questionId: string) {
    const question = loadLessonQuiz(slug)!.quiz.questions.find((q) => q.id === questionId);
    if (question?.type !== "numeric" || typeof question.fromResult !== "object") throw new Error(`${slug}/${questionId} is not a figure reference`);
    return question.fromResult;
  }

  it("grades the int8 speed-up questions with the int8 row of the learner's latest verified quantization run", async () => {
    const { id } = await user("quant@example.com");
    const ref = refOf("quantization", "own-wide-speedup");
    expect((await resolveFigure(ref, id)).value).toBeNull();
    await row(id, "q-old", { experiment: "quantization", modelId: "mlp-wide-int8-dynamic", results: { figures: { p50Ms: 2, int8Speedup: 5 } }, createdAt: new Date(Date.now() - 60_000) });
    await row(id, "q-new", { experiment: "quantization", modelId: "mlp-wide-int8-dynamic", results: { figures: { p50Ms: 1.5, int8Speedup: 6.2 } }, createdAt: new Date(Date.now() - 1000) });
    await row(id, "q-forged", { experiment: "quantization", modelId: "mlp-wide-int8-dynamic", verified: false, results: { figures: { int8Speedup: 99 } }, createdAt: new Date() });
    expect((await resolveFigure(ref, id)).value).toBe(6.2);
    // The digit classifier's question points at its own model: the wide MLP's run does not answer it.
    expect((await resolveFigure(refOf("quantization", "own-digits-speedup"), id)).value).toBeNull();
  });

  it("grades dollars per million with the shared figure and joules with the lesson's resolver, from the batch-1 run", async () => {
    const { id } = await user("cost@example.com");
    const joules = () => resolveResult("digits-mlp-b1-joules-per-inference-cost-server-cpu", id);
    expect(await joules()).toBeNull();
    const price = { dollarsPerHour: 0.0816, watts: 7.5 };
    await row(id, "c-old", { experiment: "cost", modelId: "digits-mlp", batchSize: 1, throughput: 1000, results: { price: { dollarsPerHour: 1, watts: 10 }, figures: { throughput: 1000, costPerMillion: 0.28 } }, createdAt: new Date(Date.now() - 60_000) });
    await row(id, "c-new", { experiment: "cost", modelId: "digits-mlp", batchSize: 1, throughput: 20_000, results: { price, figures: { throughput: 20_000, costPerMillion: (0.0816 / (20_000 * 3600)) * 1e6 } }, createdAt: new Date(Date.now() - 1000) });
    await row(id, "c-forged", { experiment: "cost", modelId: "digits-mlp", batchSize: 1, throughput: 1, verified: false, results: { price }, createdAt: new Date() });
    expect((await resolveFigure(refOf("cost-power-and-tco", "own-dollars-per-million"), id)).value).toBeCloseTo((0.0816 / (20_000 * 3600)) * 1e6, 12);
    expect(await joules()).toBeCloseTo(7.5 / 20_000, 12);
    // A later batch-64 run is another question's business: joules stay those of the batch-1 run.
    await row(id, "c-b64", { experiment: "cost", modelId: "digits-mlp", batchSize: 64, throughput: 90_000, results: { price }, createdAt: new Date() });
    expect(await joules()).toBeCloseTo(7.5 / 20_000, 12);
  });
});
