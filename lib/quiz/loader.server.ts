import "server-only";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { lessonSlugs, lessonsRoot } from "@/lib/content/lessons.server";
import { RESULT_RESOLVER_NAMES } from "./resolvers.server";
import { quizFileSchema, toPublicQuiz, type PublicQuiz, type QuizFile } from "./schema";

export interface LoadedQuiz {
  lessonSlug: string;
  quiz: QuizFile;
}

export class QuizFileError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = "QuizFileError";
  }
}

const cache = new Map<string, { mtimeMs: number; loaded: LoadedQuiz }>();

/** The quiz beside a lesson (`content/lessons/<slug>/quiz.json`), validated; null when the lesson has none. */
export function loadLessonQuiz(slug: string, root = lessonsRoot()): LoadedQuiz | null {
  const file = path.join(root, slug, "quiz.json");
  if (!existsSync(file)) return null;
  const mtimeMs = statSync(file).mtimeMs;
  const key = `${root}\0${slug}`;
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.loaded;
  const relative = path.relative(process.cwd(), file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new QuizFileError(relative, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = quizFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "quiz"}: ${issue.message}`);
    throw new QuizFileError(relative, problems.join("; "));
  }
  for (const question of parsed.data.questions) {
    if (question.type === "numeric" && typeof question.fromResult === "string" && !RESULT_RESOLVER_NAMES.includes(question.fromResult)) {
      throw new QuizFileError(
        relative,
        `question ${question.id}: fromResult "${question.fromResult}" is not a stored result; known: ${RESULT_RESOLVER_NAMES.join(", ")}`,
      );
    }
  }
  const loaded = { lessonSlug: slug, quiz: parsed.data };
  cache.set(key, { mtimeMs, loaded });
  return loaded;
}

/** Every lesson's quiz by quiz id; duplicate ids across lessons are an error (the build fails on it). */
export function allQuizzes(root = lessonsRoot()): Map<string, LoadedQuiz> {
  const byId = new Map<string, LoadedQuiz>();
  for (const slug of lessonSlugs(root)) {
    const loaded = loadLessonQuiz(slug, root);
    if (!loaded) continue;
    const other = byId.get(loaded.quiz.id);
    if (other) throw new QuizFileError(path.join("content", "lessons", slug, "quiz.json"), `quiz id "${loaded.quiz.id}" is also used by lesson ${other.lessonSlug}`);
    byId.set(loaded.quiz.id, loaded);
  }
  return byId;
}

export function findQuiz(quizId: string, root = lessonsRoot()): LoadedQuiz | null {
  return allQuizzes(root).get(quizId) ?? null;
}

/** The copy the page ships: questions and choices without keys or explanations. */
export function publicLessonQuizzes(slug: string, root = lessonsRoot()): PublicQuiz[] {
  allQuizzes(root); // validates ids across lessons at build time, too
  const loaded = loadLessonQuiz(slug, root);
  return loaded ? [toPublicQuiz(loaded.quiz, slug)] : [];
}
