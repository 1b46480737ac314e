import "server-only";
import { db, dbReady } from "@/lib/db/client.server";
import { allQuizzes } from "@/lib/quiz/loader.server";
import type { AnswerValue, QuestionResult } from "@/lib/quiz/schema";
import { type CsvCell, toCsv } from "@/lib/csv-cell";
import { contentDisposition } from "./csv";
import { hardwareKind } from "./devices";
import { classMatrix, describeAnswer, ofClassMembers } from "./reports.server";

export const exportKinds = ["grades", "attempts", "experiments"] as const;
export type ExportKind = (typeof exportKinds)[number];

/** 0..1 → percent with one decimal, the precision a gradebook shows. */
export function percent(fraction: number | null): number | null {
  return fraction === null ? null : Math.round(fraction * 1000) / 10;
}

function byLearner(a: { name: string; email: string }, b: { name: string; email: string }) {
  return a.name.localeCompare(b.name) || a.email.localeCompare(b.email);
}

/** Learner × quiz: best score in percent and the number of attempts, then the average over quizzes. */
export async function gradesCsv(klass: { id: string; name: string }): Promise<string> {
  const matrix = await classMatrix(klass);
  const quizLessons = matrix.lessons.filter((l) => l.quizId !== null);
  const header = ["name", "email", ...quizLessons.flatMap((l) => [`${l.quizId} best %`, `${l.quizId} attempts`]), "average best %"];
  const rows = matrix.rows.map((row): CsvCell[] => [
    row.name,
    row.email,
    ...quizLessons.flatMap((l) => [percent(row.cells[l.slug]!.bestScore), row.cells[l.slug]!.attempts]),
    percent(row.average),
  ]);
  return toCsv(header, rows);
}

/** One row per attempt and question: what was answered and how it scored. */
export async function attemptsCsv(classId: string): Promise<string> {
  await dbReady();
  const rows = await db.quizAttempt.findMany({
    where: ofClassMembers(classId),
    select: {
      id: true, lessonSlug: true, quizId: true, attemptNumber: true, submittedAt: true, score: true, maxScore: true, answers: true, results: true,
      user: { select: { name: true, email: true } },
    },
  });
  rows.sort((a, b) => byLearner(a.user, b.user) || a.quizId.localeCompare(b.quizId) || a.attemptNumber - b.attemptNumber);
  const quizzes = allQuizzes();
  const header = ["name", "email", "lesson", "quiz", "attempt", "submitted at", "attempt score", "attempt max score", "question", "answer", "answer ids", "question score", "correct"];
  const out: CsvCell[][] = [];
  for (const row of rows) {
    const answers = JSON.parse(row.answers) as Record<string, AnswerValue>;
    const results = JSON.parse(row.results) as QuestionResult[];
    const loaded = quizzes.get(row.quizId);
    for (const result of results) {
      const raw = answers[result.questionId];
      out.push([
        row.user.name, row.user.email, row.lessonSlug, row.quizId, row.attemptNumber, row.submittedAt, row.score, row.maxScore,
        result.questionId,
        describeAnswer(loaded, result.questionId, raw),
        // Numbers stay numbers, so a spreadsheet can sum them; choice ids are text.
        raw === undefined ? null : Array.isArray(raw) ? raw.join(";") : raw,
        result.score,
        result.correct,
      ]);
    }
  }
  return toCsv(header, out);
}

export async function experimentsCsv(classId: string): Promise<string> {
  await dbReady();
  const rows = await db.experimentResult.findMany({
    where: ofClassMembers(classId),
    orderBy: { createdAt: "asc" },
    select: {
      id: true, createdAt: true, lessonSlug: true, experiment: true, modelId: true, lane: true, device: true, software: true,
      threads: true, batchSize: true, p50Ms: true, throughput: true, benchmarkRunId: true,
      user: { select: { name: true, email: true } },
    },
  });
  rows.sort((a, b) => byLearner(a.user ?? { name: "", email: "" }, b.user ?? { name: "", email: "" }) || a.createdAt.getTime() - b.createdAt.getTime());
  const header = ["name", "email", "created at", "lesson", "experiment", "model", "lane", "hardware", "device", "software GPU", "threads", "batch size", "p50 ms", "throughput items/s", "result id", "benchmark run"];
  return toCsv(header, rows.map((r): CsvCell[] => [
    r.user?.name, r.user?.email, r.createdAt, r.lessonSlug, r.experiment, r.modelId, r.lane, hardwareKind(r.lane, r.software), r.device, r.software,
    r.threads, r.batchSize, r.p50Ms, r.throughput, r.id, r.benchmarkRunId,
  ]));
}

export async function buildExport(kind: ExportKind, klass: { id: string; name: string }): Promise<Response> {
  const csv = kind === "grades" ? await gradesCsv(klass) : kind === "attempts" ? await attemptsCsv(klass.id) : await experimentsCsv(klass.id);
  const date = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": contentDisposition(`${klass.name} ${kind} ${date}.csv`),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

