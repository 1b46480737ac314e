import "server-only";
import { randomUUID } from "node:crypto";
import { db, dbReady } from "@/lib/db/client.server";
import { HttpError } from "@/lib/http/errors";
import { gradeQuiz, SubmissionError } from "./grade";
import type { LoadedQuiz } from "./loader.server";
import { resolveResult } from "./resolvers.server";
import type { AttemptResult, QuestionResult, Submission } from "./schema";

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

/**
 * Grades and stores one attempt. The attempt row and the progress update
 * commit together or not at all; the response is only sent after the commit,
 * so an acknowledged attempt is on disk. Two submissions racing for the same
 * attempt number collide on the unique index and the loser retries, which is
 * what keeps max attempts exact under concurrency on SQLite and PostgreSQL.
 */
export async function submitAttempt(userId: string, loaded: LoadedQuiz, submission: Submission): Promise<AttemptResult> {
  const { quiz, lessonSlug } = loaded;
  const resolved: Record<string, number | null> = {};
  for (const question of quiz.questions) {
    if (question.type === "numeric" && question.fromResult) resolved[question.id] = await resolveResult(question.fromResult, userId);
  }
  let graded: ReturnType<typeof gradeQuiz>;
  try {
    graded = gradeQuiz(quiz, submission.answers, resolved);
  } catch (error) {
    if (error instanceof SubmissionError) throw new HttpError(400, error.message);
    throw error;
  }
  await dbReady();
  const fraction = graded.maxScore > 0 ? graded.score / graded.maxScore : 0;
  for (let tries = 0; ; tries++) {
    try {
      const attempt = await db.$transaction(async (tx) => {
        const previous = await tx.quizAttempt.count({ where: { userId, quizId: quiz.id } });
        if (quiz.maxAttempts !== undefined && previous >= quiz.maxAttempts) {
          throw new HttpError(409, `no attempts left: quiz ${quiz.id} allows ${quiz.maxAttempts}`);
        }
        const created = await tx.quizAttempt.create({
          data: {
            id: randomUUID(),
            userId,
            lessonSlug,
            quizId: quiz.id,
            attemptNumber: previous + 1,
            seed: submission.seed,
            answers: JSON.stringify(submission.answers),
            results: JSON.stringify(graded.results),
            score: graded.score,
            maxScore: graded.maxScore,
            startedAt: submission.startedAt ? new Date(submission.startedAt) : null,
          },
        });
        await tx.lessonProgress.upsert({
          where: { userId_lessonSlug: { userId, lessonSlug } },
          create: { userId, lessonSlug, bestScore: fraction },
          update: {},
        });
        // A conditional update is atomic on both databases, so a slower, worse attempt can't overwrite a better one.
        await tx.lessonProgress.updateMany({
          where: { userId, lessonSlug, OR: [{ bestScore: null }, { bestScore: { lt: fraction } }] },
          data: { bestScore: fraction },
        });
        return created;
      });
      return {
        attemptId: attempt.id,
        attemptNumber: attempt.attemptNumber,
        quizId: quiz.id,
        lessonSlug,
        score: attempt.score,
        maxScore: attempt.maxScore,
        submittedAt: attempt.submittedAt.toISOString(),
        attemptsLeft: quiz.maxAttempts === undefined ? null : Math.max(0, quiz.maxAttempts - attempt.attemptNumber),
        seed: attempt.seed,
        results: graded.results,
      };
    } catch (error) {
      if (isUniqueViolation(error) && tries < 8) continue;
      throw error;
    }
  }
}

type AttemptRow = Awaited<ReturnType<typeof db.quizAttempt.findFirstOrThrow>>;

function toResult(row: AttemptRow, maxAttempts: number | undefined): AttemptResult {
  return {
    attemptId: row.id,
    attemptNumber: row.attemptNumber,
    quizId: row.quizId,
    lessonSlug: row.lessonSlug,
    score: row.score,
    maxScore: row.maxScore,
    submittedAt: row.submittedAt.toISOString(),
    attemptsLeft: maxAttempts === undefined ? null : Math.max(0, maxAttempts - row.attemptNumber),
    seed: row.seed,
    results: JSON.parse(row.results) as QuestionResult[],
  };
}

/** A learner's own attempts at one quiz, newest first, with the feedback they already earned. */
export async function listOwnAttempts(userId: string, loaded: LoadedQuiz): Promise<AttemptResult[]> {
  await dbReady();
  const rows = await db.quizAttempt.findMany({ where: { userId, quizId: loaded.quiz.id }, orderBy: { attemptNumber: "desc" } });
  return rows.map((row) => toResult(row, loaded.quiz.maxAttempts));
}

/** One attempt, only for its owner: anyone else gets the same 404 as for an id that doesn't exist. */
export async function getOwnAttempt(userId: string, loaded: LoadedQuiz, attemptId: string): Promise<AttemptResult> {
  await dbReady();
  const row = await db.quizAttempt.findFirst({ where: { id: attemptId, quizId: loaded.quiz.id, userId } });
  if (!row) throw new HttpError(404, `no attempt ${attemptId} of yours for quiz ${loaded.quiz.id}`);
  return toResult(row, loaded.quiz.maxAttempts);
}
