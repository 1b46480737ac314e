import { z } from "zod";
import type { AnswerValue, QuestionResult, QuizFile } from "@/lib/quiz/schema";

/** Which attempts a statistic counts: every attempt, each learner's first, or each learner's latest. */
export type AttemptScope = "all" | "first" | "latest";
export const attemptScopes: readonly AttemptScope[] = ["all", "first", "latest"];

/** GET …/questions?scope=: which attempts the statistics count, every attempt unless asked. */
export const questionStatsQuerySchema = z.object({ scope: z.enum(attemptScopes).default("all") });

export interface StoredAttempt {
  userId: string;
  attemptNumber: number;
  /** JSON as stored: { [questionId]: answer } */
  answers: string;
  /** JSON as stored: QuestionResult[] */
  results: string;
}

export interface ChoiceStat {
  id: string;
  text: string;
  correct: boolean;
  /** Attempts that selected this choice. */
  count: number;
  /** count ÷ attempts counted, 0..1. Multiple-choice percentages don't add up to 1. */
  share: number;
}

export interface QuestionStat {
  questionId: string;
  prompt: string;
  type: "single" | "multiple" | "numeric";
  /** Attempts counted (answered or not). */
  attempts: number;
  unanswered: number;
  /** Attempts graded fully right (score 1). */
  correct: number;
  /** correct ÷ attempts, 0..1; null with no attempts. */
  percentCorrect: number | null;
  /** Mean score including partial credit, 0..1; null with no attempts. */
  meanScore: number | null;
  choices?: ChoiceStat[];
  /** Numeric questions: the most frequent answers given, right or wrong. */
  commonAnswers?: { value: number; count: number; correct: boolean }[];
  expected?: number | null;
  unit?: string;
}

export interface QuizStats {
  quizId: string;
  lessonSlug: string;
  title: string;
  scope: AttemptScope;
  attempts: number;
  learners: number;
  questions: QuestionStat[];
  /** The questions with the lowest percent correct (at most three, only those with attempts). */
  mostMissed: string[];
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function selectAttempts<T extends { userId: string; attemptNumber: number }>(attempts: readonly T[], scope: AttemptScope): T[] {
  if (scope === "all") return [...attempts];
  const pick = new Map<string, T>();
  for (const attempt of attempts) {
    const current = pick.get(attempt.userId);
    const better = !current || (scope === "first" ? attempt.attemptNumber < current.attemptNumber : attempt.attemptNumber > current.attemptNumber);
    if (better) pick.set(attempt.userId, attempt);
  }
  return [...pick.values()];
}

function isAnswered(answer: AnswerValue | undefined): boolean {
  if (answer === undefined || answer === null) return false;
  if (Array.isArray(answer)) return answer.length > 0;
  return true;
}

/**
 * Per-question statistics for one quiz. Correctness and scores come from the
 * results stored at grading time (what the learner was told), the choice
 * distribution from the stored answers. Questions are today's quiz.json; an
 * answer to a question that was since removed is ignored.
 */
export function quizStatistics(loaded: { lessonSlug: string; quiz: QuizFile }, stored: readonly StoredAttempt[], scope: AttemptScope = "all"): QuizStats {
  const { quiz, lessonSlug } = loaded;
  const attempts = selectAttempts(stored, scope).map((a) => ({
    answers: parseJson<Record<string, AnswerValue>>(a.answers, {}),
    results: new Map(parseJson<QuestionResult[]>(a.results, []).map((r) => [r.questionId, r])),
  }));
  const questions = quiz.questions.map((question): QuestionStat => {
    let unanswered = 0;
    let correct = 0;
    let scoreSum = 0;
    const choiceCounts = new Map<string, number>();
    const numericCounts = new Map<number, { count: number; correct: boolean }>();
    for (const attempt of attempts) {
      const answer = attempt.answers[question.id];
      const result = attempt.results.get(question.id);
      if (!isAnswered(answer)) unanswered++;
      if (result?.correct) correct++;
      scoreSum += result?.score ?? 0;
      if (question.type === "numeric") {
        if (typeof answer === "number") {
          const entry = numericCounts.get(answer) ?? { count: 0, correct: Boolean(result?.correct) };
          entry.count++;
          numericCounts.set(answer, entry);
        }
      } else if (answer !== undefined) {
        // A learner's duplicate ids count once, as grading does.
        for (const id of new Set(Array.isArray(answer) ? answer : [String(answer)])) choiceCounts.set(id, (choiceCounts.get(id) ?? 0) + 1);
      }
    }
    const n = attempts.length;
    const stat: QuestionStat = {
      questionId: question.id,
      prompt: question.prompt,
      type: question.type,
      attempts: n,
      unanswered,
      correct,
      percentCorrect: n > 0 ? correct / n : null,
      meanScore: n > 0 ? scoreSum / n : null,
    };
    if (question.type === "numeric") {
      stat.commonAnswers = [...numericCounts.entries()]
        .map(([value, e]) => ({ value, count: e.count, correct: e.correct }))
        .sort((a, b) => b.count - a.count || a.value - b.value)
        .slice(0, 5);
      stat.expected = question.answer ?? null;
      if (question.unit) stat.unit = question.unit;
    } else {
      stat.choices = question.choices.map((c) => {
        const count = choiceCounts.get(c.id) ?? 0;
        return { id: c.id, text: c.text, correct: c.correct, count, share: n > 0 ? count / n : 0 };
      });
    }
    return stat;
  });
  const mostMissed = questions
    .filter((q) => q.percentCorrect !== null)
    .sort((a, b) => a.percentCorrect! - b.percentCorrect! || a.meanScore! - b.meanScore! || a.questionId.localeCompare(b.questionId))
    .slice(0, 3)
    .map((q) => q.questionId);
  return {
    quizId: quiz.id,
    lessonSlug,
    title: quiz.title,
    scope,
    attempts: attempts.length,
    learners: new Set(selectAttempts(stored, scope).map((a) => a.userId)).size,
    questions,
    mostMissed,
  };
}
