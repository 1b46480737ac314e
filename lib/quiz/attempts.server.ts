import "server-only";
import { randomUUID } from "node:crypto";
import { db, dbReady } from "@/lib/db/client.server";
import { HttpError } from "@/lib/http/errors";
import { gradeQuiz, SubmissionError } from "./grade";
import type { LoadedQuiz } from "./loader.server";
import { resolveFigure } from "./result-figures.server";
import { resolveResult } from "./resolvers.server";
import type { AttemptResult, QuestionResult, Submission } from "./schema";

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

/**
 * Grades and stores one attempt as a single INSERT, so it commits fully or not
 * at all, and the response is only sent after the commit: an acknowledged
 * attempt is on disk. Two submissions racing for the same attempt number
 * collide on the unique (user, quiz, attemptNumber) index and the loser
 * recounts, which keeps max attempts exact under concurrency on SQLite and
 * PostgreSQL without holding a transaction open across round trips.
 * The best score per lesson is derived from the attempts when read.
 */
export async function submitAttempt(userId: string, loaded: LoadedQuiz, submission: Submission): Promise<AttemptResult> {
  const { quiz, lessonSlug } = loaded;
  const resolved: Record<string, number | null> = {};
  const reasons: Record<string, string> = {};
  for (const question of quiz.questions) {
    if (question.type !== "numeric" || !question.fromResult) continue;
    if (typeof question.fromResult === "string") {
      resolved[question.id] = await resolveResult(question.fromResult, userId);
    } else {
      const figure = await resolveFigure(question.fromResult, userId);
      resolved[question.id] = figure.value;
      if (figure.reason) reasons[question.id] = figure.reason;
    }
  }
  let graded: ReturnType<typeof gradeQuiz>;
  try {
    graded = gradeQuiz(quiz, submission.answers, resolved, reasons);
  } catch (error) {
    if (error instanceof SubmissionError) throw new HttpError(400, error.message);
    throw error;
  }
  await dbReady();
  const answers = JSON.stringify(submission.answers);
  const results = JSON.stringify(graded.results);
  for (let tries = 0; ; tries++) {
    const previous = await db.quizAttempt.count({ where: { userId, quizId: quiz.id } });
    if (quiz.maxAttempts !== undefined && previous >= quiz.maxAttempts) {
      throw new HttpError(409, `no attempts left: quiz ${quiz.id} allows ${quiz.maxAttempts}`);
    }
    try {
      const attempt = await db.quizAttempt.create({
        data: {
          id: randomUUID(),
          userId,
          lessonSlug,
          quizId: quiz.id,
          attemptNumber: previous + 1,
          seed: submission.seed,
          answers,
          results,
          score: graded.score,
          maxScore: graded.maxScore,
          startedAt: submission.startedAt ? new Date(submission.startedAt) : null,
        },
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
      // Lost the race for this attempt number; with many racers, back off a little so they spread out.
      if (isUniqueViolation(error) && tries < 20) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (tries + 1)));
        continue;
      }
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
