import { jsonOk } from "@/lib/http/errors";
import { handleErrors } from "@/lib/http/request.server";
import { requireClassInstructor } from "@/lib/instructor/access.server";
import { learnerDetail } from "@/lib/instructor/reports.server";

type Context = { params: Promise<{ classId: string; userId: string }> };

/** One learner of the class: every attempt with its answers, progress and stored results. */
export function GET(request: Request, { params }: Context) {
  return handleErrors(async () => {
    const { classId, userId } = await params;
    const { klass } = await requireClassInstructor(request.headers, classId);
    return jsonOk(await learnerDetail(klass.id, userId));
  });
}
