import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../helpers/route-requests";
import { sqliteDatabase, type TestDatabase } from "./databases";

/**
 * The result resolvers of lessons 6 (quantization) and 7 (cost), on a real SQLite
 * database: each derives its figure from the learner's own verified rows, from the
 * right run, and answers null (the learner is told why) when no such run exists.
 */
describe("quantization and cost resolvers", () => {
  let database: TestDatabase;
  let db: typeof import("@/lib/db/client.server").db;
  let resolveResult: typeof import("@/lib/quiz/resolvers.server").resolveResult;
  let names: readonly string[];

  beforeAll(async () => {
    database = sqliteDatabase();
    useTestDatabase(database);
    db = (await import("@/lib/db/client.server")).db;
    ({ resolveResult, RESULT_RESOLVER_NAMES: names } = await import("@/lib/quiz/resolvers.server"));
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    await database?.stop();
  });

  const user = async (email: string) => db.user.create({ data: { id: email, email, name: email, emailVerified: false } });
  const base = { environment: "{}", lane: "server-cpu" };

  /** One save of the quantization experiment: rows per variant that name each other as `group`. */
  async function quantizationRun(userId: string, tag: string, p50: Record<string, number>, at: Date, verified = true) {
    const ids = Object.keys(p50).map((model) => `${tag}-${model}`);
    for (const [model, ms] of Object.entries(p50)) {
      await db.experimentResult.create({
        data: { ...base, id: `${tag}-${model}`, userId, lessonSlug: "quantization", experiment: "quantization", modelId: model, batchSize: 1, p50Ms: ms, verified, results: JSON.stringify({ group: ids }), createdAt: at },
      });
    }
  }

  it("registers every name the two lessons' quizzes use", () => {
    expect(names).toEqual(
      expect.arrayContaining([
        "mlp-wide-int8-speedup-quantization-server-cpu",
        "digits-mlp-int8-speedup-quantization-server-cpu",
        "digits-mlp-b1-dollars-per-million-cost-server-cpu",
        "digits-mlp-b1-joules-per-inference-cost-server-cpu",
      ]),
    );
  });

  it("divides fp32's median by int8-dynamic's from the latest verified run, never mixing runs", async () => {
    const { id } = await user("quant@example.com");
    await quantizationRun(id, "old", { "mlp-wide": 10, "mlp-wide-int8-dynamic": 5, "mlp-wide-int8-weight": 10 }, new Date(Date.now() - 60_000));
    await quantizationRun(id, "new", { "mlp-wide": 9, "mlp-wide-int8-dynamic": 1.5, "mlp-wide-int8-weight": 9.2 }, new Date(Date.now() - 1000));
    // Newer but unverified (a browser's self-report or a forged post): never the key.
    await quantizationRun(id, "forged", { "mlp-wide": 100, "mlp-wide-int8-dynamic": 1 }, new Date(), false);
    expect(await resolveResult("mlp-wide-int8-speedup-quantization-server-cpu", id)).toBeCloseTo(6, 6);
    // The digit classifier was never run: no figure, so the grader says there is no stored result.
    expect(await resolveResult("digits-mlp-int8-speedup-quantization-server-cpu", id)).toBeNull();
  });

  it("answers null when the fp32 row of that run is missing, rather than pairing rows of two runs", async () => {
    const { id } = await user("half@example.com");
    await quantizationRun(id, "a", { "digits-mlp": 0.03 }, new Date(Date.now() - 60_000));
    await quantizationRun(id, "b", { "digits-mlp-int8-dynamic": 0.05 }, new Date());
    expect(await resolveResult("digits-mlp-int8-speedup-quantization-server-cpu", id)).toBeNull();
  });

  it("turns the latest verified batch-1 cost run into $ per million and joules with the price it ran with", async () => {
    const { id } = await user("cost@example.com");
    const cost = (rowId: string, batchSize: number, throughput: number, price: { dollarsPerHour: number; watts: number }, at: Date, verified = true) =>
      db.experimentResult.create({
        data: { ...base, id: rowId, userId: id, lessonSlug: "cost-power-and-tco", experiment: "cost", modelId: "digits-mlp", batchSize, throughput, verified, results: JSON.stringify({ price }), createdAt: at },
      });
    expect(await resolveResult("digits-mlp-b1-dollars-per-million-cost-server-cpu", id)).toBeNull();
    await cost("c-old", 1, 1000, { dollarsPerHour: 1, watts: 10 }, new Date(Date.now() - 60_000));
    await cost("c-new", 1, 20_000, { dollarsPerHour: 0.0816, watts: 7.5 }, new Date(Date.now() - 1000));
    await cost("c-b64", 64, 90_000, { dollarsPerHour: 0.0816, watts: 7.5 }, new Date());
    await cost("c-forged", 1, 1, { dollarsPerHour: 0.0816, watts: 7.5 }, new Date(), false);
    expect(await resolveResult("digits-mlp-b1-dollars-per-million-cost-server-cpu", id)).toBeCloseTo((0.0816 / (20_000 * 3600)) * 1e6, 12);
    expect(await resolveResult("digits-mlp-b1-joules-per-inference-cost-server-cpu", id)).toBeCloseTo(7.5 / 20_000, 12);
  });
});
