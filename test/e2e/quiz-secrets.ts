import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");

type QuizJson = { id: string; questions: Array<{ explanation?: string; choices?: Array<{ explanation: string }> }> };

/** The lessons' real quiz files, keys and explanations included. */
export const quizzes = ["cpu-or-gpu", "latency-is-a-distribution", "latency-vs-throughput", "batching"].map(
  (slug) => JSON.parse(readFileSync(path.join(root, "content", "lessons", slug, "quiz.json"), "utf8")) as QuizJson,
);

/** Every explanation (the first 40 characters are plenty to recognise one) is a secret until submission. */
export const secrets = quizzes.flatMap((quiz) =>
  quiz.questions.flatMap((q) => [...(q.explanation ? [q.explanation] : []), ...(q.choices ?? []).map((c) => c.explanation)]).map((s) => s.slice(0, 40)),
);

/** What of the answer key a response body gives away: explanation text or a `correct` flag. */
export function leaks(body: string): string[] {
  const found = secrets.filter((secret) => body.includes(secret));
  if (/"correct"\s*:\s*(true|false)|\\"correct\\":(true|false)/.test(body)) found.push('a "correct" flag');
  return found;
}
