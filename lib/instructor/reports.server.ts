import "server-only";
import { lessonOutlines } from "@/lib/content/lessons.server";
import { db, dbReady } from "@/lib/db/client.server";
import { HttpError } from "@/lib/http/errors";
import { allQuizzes, type LoadedQuiz } from "@/lib/quiz/loader.server";
import type { AnswerValue, QuestionResult } from "@/lib/quiz/schema";
import { groupDeviceResults, type DeviceGroup, type DeviceResult } from "./devices";
import { buildMatrix, type ClassMatrix, type LessonColumn } from "./matrix";
import { quizStatistics, type AttemptScope, type QuizStats } from "./questions";

/**
 * Every report is computed on read from the stored rows (see
 * docs/decisions/0008-instructor-reports.md): a handful of queries per report,
 * each bounded by the class's member ids, never one per learner.
 */

/** The course's lessons in their declared order, with the quiz each one has. */
export async function lessonColumns(): Promise<LessonColumn[]> {
  const bySlug = new Map<string, LoadedQuiz>();
  for (const loaded of allQuizzes().values()) bySlug.set(loaded.lessonSlug, loaded);
  return lessonOutlines().map((lesson) => {
    const quiz = bySlug.get(lesson.slug);
    return {
      slug: lesson.slug,
      title: lesson.title,
      quizId: quiz?.quiz.id ?? null,
      quizTitle: quiz?.quiz.title ?? null,
      questionCount: quiz?.quiz.questions.length ?? 0,
    };
  });
}

/**
 * "Rows of this class's learners" as one subquery with one parameter. A list of member ids
 * (`userId IN (…)`) would hit Prisma's query-parameter limit (P2029) at about a thousand
 * learners on SQLite, for groupBy and ordered queries that it can't split.
 */
export function ofClassMembers(classId: string) {
  return { user: { memberships: { some: { classId } } } };
}

async function members(classId: string) {
  await dbReady();
  return db.classMember.findMany({
    where: { classId },
    select: { joinedAt: true, user: { select: { id: true, name: true, email: true } } },
  });
}

export async function classMatrix(klass: { id: string; name: string }): Promise<ClassMatrix> {
  const [lessons, memberRows] = await Promise.all([lessonColumns(), members(klass.id)]);
  const [progress, attempts, results] = await Promise.all([
    db.lessonProgress.findMany({
      where: ofClassMembers(klass.id),
      select: { userId: true, lessonSlug: true, readAt: true, experimentsRun: true, updatedAt: true },
    }),
    db.quizAttempt.groupBy({
      by: ["userId", "lessonSlug", "maxScore"],
      where: ofClassMembers(klass.id),
      _count: { _all: true },
      _max: { score: true, submittedAt: true },
    }),
    db.experimentResult.groupBy({
      by: ["userId", "lessonSlug"],
      where: ofClassMembers(klass.id),
      _count: { _all: true },
      _max: { createdAt: true },
    }),
  ]);
  return buildMatrix({ classId: klass.id, className: klass.name, lessons, members: memberRows, progress, attempts, results });
}

/** Per-question statistics for every quiz in the course, over the class's attempts. */
export async function classQuestionStats(classId: string, scope: AttemptScope): Promise<QuizStats[]> {
  const lessons = await lessonColumns();
  await dbReady();
  const quizzes = allQuizzes();
  const rows = await db.quizAttempt.findMany({
    where: ofClassMembers(classId),
    select: { userId: true, quizId: true, attemptNumber: true, answers: true, results: true },
  });
  const byQuiz = new Map<string, typeof rows>();
  for (const row of rows) {
    const list = byQuiz.get(row.quizId) ?? [];
    list.push(row);
    byQuiz.set(row.quizId, list);
  }
  return lessons.flatMap((lesson) => {
    const loaded = lesson.quizId ? quizzes.get(lesson.quizId) : undefined;
    return loaded ? [quizStatistics(loaded, byQuiz.get(loaded.quiz.id) ?? [], scope)] : [];
  });
}

export interface LearnerAttemptView {
  id: string;
  lessonSlug: string;
  quizId: string;
  quizTitle: string;
  attemptNumber: number;
  submittedAt: string;
  score: number;
  maxScore: number;
  questions: { questionId: string; prompt: string; answer: string; score: number; correct: boolean }[];
}

/** Renders a stored answer as the learner saw it: choice texts, the number with its unit, or "no answer". */
export function describeAnswer(loaded: LoadedQuiz | undefined, questionId: string, answer: AnswerValue | undefined): string {
  if (answer === undefined || (Array.isArray(answer) && answer.length === 0)) return "no answer";
  const question = loaded?.quiz.questions.find((q) => q.id === questionId);
  if (!question) return Array.isArray(answer) ? answer.join("; ") : String(answer);
  if (question.type === "numeric") return `${String(answer)}${question.unit ? ` ${question.unit}` : ""}`;
  const ids = Array.isArray(answer) ? answer : [String(answer)];
  return ids.map((id) => question.choices.find((c) => c.id === id)?.text ?? id).join("; ");
}

export function attemptView(
  row: { id: string; lessonSlug: string; quizId: string; attemptNumber: number; submittedAt: Date; score: number; maxScore: number; answers: string; results: string },
  quizzes: Map<string, LoadedQuiz>,
): LearnerAttemptView {
  const loaded = quizzes.get(row.quizId);
  const answers = JSON.parse(row.answers) as Record<string, AnswerValue>;
  const results = JSON.parse(row.results) as QuestionResult[];
  const prompts = new Map(loaded?.quiz.questions.map((q) => [q.id, q.prompt]) ?? []);
  return {
    id: row.id,
    lessonSlug: row.lessonSlug,
    quizId: row.quizId,
    quizTitle: loaded?.quiz.title ?? row.quizId,
    attemptNumber: row.attemptNumber,
    submittedAt: row.submittedAt.toISOString(),
    score: row.score,
    maxScore: row.maxScore,
    questions: results.map((r) => ({
      questionId: r.questionId,
      prompt: prompts.get(r.questionId) ?? r.questionId,
      answer: describeAnswer(loaded, r.questionId, answers[r.questionId]),
      score: r.score,
      correct: r.correct,
    })),
  };
}

export interface LearnerDetail {
  userId: string;
  name: string;
  email: string;
  joinedAt: string;
  lessons: { slug: string; title: string; read: boolean; readAt: string | null; experimentsRun: number }[];
  attempts: LearnerAttemptView[];
  results: DeviceResult[];
}

/** One learner of the class: every attempt with every answer, progress and stored results. 404 if not a member. */
export async function learnerDetail(classId: string, userId: string): Promise<LearnerDetail> {
  await dbReady();
  const member = await db.classMember.findUnique({
    where: { classId_userId: { classId, userId } },
    select: { joinedAt: true, user: { select: { id: true, name: true, email: true } } },
  });
  if (!member) throw new HttpError(404, "no learner with that id in this class");
  const [lessons, progress, attempts, results] = await Promise.all([
    lessonColumns(),
    db.lessonProgress.findMany({ where: { userId } }),
    db.quizAttempt.findMany({ where: { userId }, orderBy: [{ submittedAt: "asc" }, { attemptNumber: "asc" }] }),
    db.experimentResult.findMany({ where: { userId }, orderBy: { createdAt: "asc" }, select: deviceSelect }),
  ]);
  const quizzes = allQuizzes();
  const progressBySlug = new Map(progress.map((p) => [p.lessonSlug, p]));
  return {
    userId,
    name: member.user.name,
    email: member.user.email,
    joinedAt: member.joinedAt.toISOString(),
    lessons: lessons.map((l) => {
      const p = progressBySlug.get(l.slug);
      return { slug: l.slug, title: l.title, read: Boolean(p?.readAt), readAt: p?.readAt?.toISOString() ?? null, experimentsRun: p?.experimentsRun ?? 0 };
    }),
    attempts: attempts.map((row) => attemptView(row, quizzes)),
    results: results.map((r) => toDeviceResult(r, member.user.name)),
  };
}

const deviceSelect = {
  id: true,
  createdAt: true,
  userId: true,
  lessonSlug: true,
  experiment: true,
  modelId: true,
  lane: true,
  device: true,
  software: true,
  threads: true,
  batchSize: true,
  p50Ms: true,
  throughput: true,
} as const;

type DeviceRow = { id: string; createdAt: Date; userId: string | null; lessonSlug: string; experiment: string; modelId: string; lane: string; device: string | null; software: boolean; threads: number | null; batchSize: number | null; p50Ms: number | null; throughput: number | null };

function toDeviceResult(r: DeviceRow, learner: string | null): DeviceResult {
  return { ...r, createdAt: r.createdAt.toISOString(), learner, source: "learner" };
}

export interface ClassDevices {
  results: DeviceResult[];
  groups: DeviceGroup[];
  /** Finished single-stream server benchmarks of the models the class ran: the server lanes' reference. */
  server: DeviceResult[];
}

interface ServerResults {
  scenario?: { kind?: string; batch?: number; latencyMs?: { p50?: number }; itemsPerSecond?: number };
}

/** How many of the latest server runs per model are shown beside the class's numbers. */
const SERVER_REFERENCE_RUNS = 50;

export async function classDevices(classId: string): Promise<ClassDevices> {
  const memberRows = await members(classId);
  const names = new Map(memberRows.map((m) => [m.user.id, m.user.name]));
  const rows = await db.experimentResult.findMany({
    where: ofClassMembers(classId),
    orderBy: { createdAt: "asc" },
    select: deviceSelect,
  });
  const results = rows.map((r) => toDeviceResult(r, r.userId ? (names.get(r.userId) ?? null) : null));
  const modelIds = [...new Set(results.map((r) => r.modelId))];
  const runs = modelIds.length === 0 ? [] : await db.benchmarkRun.findMany({
    where: { modelId: { in: modelIds }, state: "done", scenario: "single-stream" },
    orderBy: { createdAt: "desc" },
    take: SERVER_REFERENCE_RUNS * modelIds.length,
    select: { id: true, createdAt: true, modelId: true, lane: true, device: true, software: true, threads: true, results: true },
  });
  const server = runs.flatMap((run): DeviceResult[] => {
    let parsed: ServerResults | null = null;
    try {
      parsed = run.results ? (JSON.parse(run.results) as ServerResults) : null;
    } catch {
      parsed = null;
    }
    const p50 = parsed?.scenario?.latencyMs?.p50;
    if (typeof p50 !== "number") return [];
    const lane = run.lane.startsWith("server-") ? run.lane : `server-${run.lane}`;
    return [{
      id: run.id,
      createdAt: run.createdAt.toISOString(),
      userId: null,
      learner: null,
      lessonSlug: "",
      experiment: "server benchmark",
      modelId: run.modelId,
      lane,
      device: run.device,
      software: Boolean(run.software),
      threads: run.threads,
      batchSize: parsed?.scenario?.batch ?? null,
      p50Ms: p50,
      throughput: typeof parsed?.scenario?.itemsPerSecond === "number" ? parsed.scenario.itemsPerSecond : null,
      source: "server",
    }];
  });
  return { results, groups: groupDeviceResults([...results, ...server]), server };
}
