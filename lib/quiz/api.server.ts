import "server-only";
import { HttpError } from "@/lib/http/errors";
import { findQuiz, type LoadedQuiz } from "./loader.server";

/** Submissions are small (ids and numbers); anything bigger is refused unread. */
export const MAX_SUBMISSION_BYTES = 16 * 1024;

export function quizOr404(quizId: string): LoadedQuiz {
  const loaded = /^[a-z0-9_-]{1,64}$/.test(quizId) ? findQuiz(quizId) : null;
  if (!loaded) throw new HttpError(404, `unknown quiz id "${quizId.slice(0, 64)}"`);
  return loaded;
}
