import "server-only";
import { db, dbReady } from "@/lib/db/client.server";

export interface LessonProgressView {
  read: boolean;
  experimentsRun: number;
  /** 0..1, best over the lesson's quiz attempts; null before any attempt. */
  bestScore: number | null;
  attempts: number;
}

export async function progressFor(userId: string): Promise<Record<string, LessonProgressView>> {
  await dbReady();
  const [rows, attempts] = await Promise.all([
    db.lessonProgress.findMany({ where: { userId } }),
    // By maxScore too, so a quiz that gained a question still compares fractions, not raw points.
    db.quizAttempt.groupBy({ by: ["lessonSlug", "maxScore"], where: { userId }, _count: { _all: true }, _max: { score: true } }),
  ]);
  const out: Record<string, LessonProgressView> = {};
  for (const row of rows) {
    out[row.lessonSlug] = { read: row.readAt !== null, experimentsRun: row.experimentsRun, bestScore: null, attempts: 0 };
  }
  for (const group of attempts) {
    const entry = (out[group.lessonSlug] ??= { read: false, experimentsRun: 0, bestScore: null, attempts: 0 });
    entry.attempts += group._count._all;
    const fraction = group.maxScore > 0 ? (group._max.score ?? 0) / group.maxScore : 0;
    entry.bestScore = Math.max(entry.bestScore ?? 0, fraction);
  }
  return out;
}

export async function markRead(userId: string, lessonSlug: string): Promise<void> {
  await dbReady();
  const now = new Date();
  await db.lessonProgress.upsert({
    where: { userId_lessonSlug: { userId, lessonSlug } },
    create: { userId, lessonSlug, readAt: now },
    update: {},
  });
  // Keep the first time it was read.
  await db.lessonProgress.updateMany({ where: { userId, lessonSlug, readAt: null }, data: { readAt: now } });
}

/** Called when a learner runs one of the lesson's experiments (the experiment components post it). */
export async function recordExperimentRun(userId: string, lessonSlug: string): Promise<void> {
  await dbReady();
  await db.lessonProgress.upsert({
    where: { userId_lessonSlug: { userId, lessonSlug } },
    create: { userId, lessonSlug, experimentsRun: 1 },
    update: { experimentsRun: { increment: 1 } },
  });
}
