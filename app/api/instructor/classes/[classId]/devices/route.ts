import { jsonOk } from "@/lib/http/errors";
import { handleErrors } from "@/lib/http/request.server";
import { requireClassInstructor } from "@/lib/instructor/access.server";
import { classDevices } from "@/lib/instructor/reports.server";

type Context = { params: Promise<{ classId: string }> };

/** The class's stored experiment results, grouped by model, lane and device, with the server lanes beside them. */
export function GET(request: Request, { params }: Context) {
  return handleErrors(async () => {
    const { klass } = await requireClassInstructor(request.headers, (await params).classId);
    return jsonOk(await classDevices(klass.id));
  });
}
