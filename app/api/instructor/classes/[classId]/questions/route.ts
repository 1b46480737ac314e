import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith } from "@/lib/http/request.server";
import { requireClassInstructor } from "@/lib/instructor/access.server";
import { questionStatsQuerySchema } from "@/lib/instructor/questions";
import { classQuestionStats } from "@/lib/instructor/reports.server";

type Context = { params: Promise<{ classId: string }> };

/** Per-question statistics of every quiz; `?scope=all|first|latest` picks the attempts counted. */
export function GET(request: Request, { params }: Context) {
  return handleErrors(async () => {
    const { klass } = await requireClassInstructor(request.headers, (await params).classId);
    const { scope } = parseWith(questionStatsQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
    return jsonOk({ scope, quizzes: await classQuestionStats(klass.id, scope) });
  });
}
