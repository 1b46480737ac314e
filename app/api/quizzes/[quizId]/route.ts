import { jsonOk } from "@/lib/http/errors";
import { handleErrors } from "@/lib/http/request.server";
import { quizOr404 } from "@/lib/quiz/api.server";
import { toPublicQuiz } from "@/lib/quiz/schema";

type Context = { params: Promise<{ quizId: string }> };

/** The public copy only: prompts and choices, never keys or explanations. */
export function GET(_request: Request, { params }: Context) {
  return handleErrors(async () => {
    const loaded = quizOr404((await params).quizId);
    return jsonOk(toPublicQuiz(loaded.quiz, loaded.lessonSlug));
  });
}
