import { requireUser } from "@/lib/auth/session.server";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors } from "@/lib/http/request.server";
import { quizOr404 } from "@/lib/quiz/api.server";
import { getOwnAttempt } from "@/lib/quiz/attempts.server";

type Context = { params: Promise<{ quizId: string; attemptId: string }> };

export function GET(request: Request, { params }: Context) {
  return handleErrors(async () => {
    const { quizId, attemptId } = await params;
    const loaded = quizOr404(quizId);
    const user = await requireUser(request.headers);
    return jsonOk(await getOwnAttempt(user.id, loaded, attemptId));
  });
}
