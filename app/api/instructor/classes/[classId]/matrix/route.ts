import { jsonOk } from "@/lib/http/errors";
import { handleErrors } from "@/lib/http/request.server";
import { requireClassInstructor } from "@/lib/instructor/access.server";
import { classMatrix } from "@/lib/instructor/reports.server";

type Context = { params: Promise<{ classId: string }> };

/** Learner × lesson: read, experiments run, best quiz score, last activity. */
export function GET(request: Request, { params }: Context) {
  return handleErrors(async () => {
    const { klass } = await requireClassInstructor(request.headers, (await params).classId);
    return jsonOk(await classMatrix(klass));
  });
}
