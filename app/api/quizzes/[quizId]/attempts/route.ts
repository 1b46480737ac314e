import { requireUser } from "@/lib/auth/session.server";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";
import { MAX_SUBMISSION_BYTES, quizOr404 } from "@/lib/quiz/api.server";
import { listOwnAttempts, submitAttempt } from "@/lib/quiz/attempts.server";
import { submissionSchema } from "@/lib/quiz/schema";

type Context = { params: Promise<{ quizId: string }> };

export function GET(request: Request, { params }: Context) {
  return handleErrors(async () => {
    const loaded = quizOr404((await params).quizId);
    const user = await requireUser(request.headers);
    return jsonOk({ attempts: await listOwnAttempts(user.id, loaded), maxAttempts: loaded.quiz.maxAttempts ?? null });
  });
}

/** Grades on the server and answers only after the attempt is committed (201). */
export function POST(request: Request, { params }: Context) {
  return handleErrors(async () => {
    const loaded = quizOr404((await params).quizId);
    const user = await requireUser(request.headers);
    const submission = parseWith(submissionSchema, await readJsonBody(request, MAX_SUBMISSION_BYTES));
    return jsonOk(await submitAttempt(user.id, loaded, submission), 201);
  });
}
