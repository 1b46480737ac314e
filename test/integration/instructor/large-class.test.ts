import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteDatabase, type TestDatabase } from "../../helpers/databases";

// A class bigger than Prisma's query-parameter limit for SQLite: listing member ids in the
// queries failed here with P2029, so the reports filter by membership in a subquery.
let database: TestDatabase;
let lib: {
  seedDemo: typeof import("@/lib/instructor/demo-seed.server").seedDemo;
  reports: typeof import("@/lib/instructor/reports.server");
  exports: typeof import("@/lib/instructor/exports.server");
  db: typeof import("@/lib/db/client.server").db;
};

beforeAll(async () => {
  database = sqliteDatabase();
  process.env.DATABASE_URL = database.url;
  lib = {
    seedDemo: (await import("@/lib/instructor/demo-seed.server")).seedDemo,
    reports: await import("@/lib/instructor/reports.server"),
    exports: await import("@/lib/instructor/exports.server"),
    db: (await import("@/lib/db/client.server")).db,
  };
}, 60_000);

afterAll(async () => {
  await lib?.db.$disconnect();
  await database?.stop();
});

describe("a class of 1200 learners", () => {
  it("reports and exports every learner, and re-seeding replaces the class", async () => {
    await lib.seedDemo({ learners: 1200, instructorPassword: "large class password", seed: 2 });
    const seeded = await lib.seedDemo({ learners: 1200, instructorPassword: "large class password", seed: 2 });
    expect(await lib.db.user.count()).toBe(1201);
    const klass = { id: seeded.classId, name: "Large" };
    const matrix = await lib.reports.classMatrix(klass);
    expect(matrix.rows).toHaveLength(1200);
    expect(matrix.rows.reduce((n, r) => n + r.attempts, 0)).toBe(seeded.counts.attempts);
    const devices = await lib.reports.classDevices(klass.id);
    expect(devices.results).toHaveLength(seeded.counts.results);
    const stats = await lib.reports.classQuestionStats(klass.id, "all");
    expect(stats.reduce((n, q) => n + q.attempts, 0)).toBe(seeded.counts.attempts);
    const grades = await lib.exports.gradesCsv(klass);
    expect(grades.trimEnd().split("\r\n")).toHaveLength(1201);
    expect((await lib.exports.experimentsCsv(klass.id)).trimEnd().split("\r\n")).toHaveLength(seeded.counts.results + 1);
  });
});
