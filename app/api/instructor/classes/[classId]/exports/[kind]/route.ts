import { HttpError } from "@/lib/http/errors";
import { handleErrors } from "@/lib/http/request.server";
import { requireClassInstructor } from "@/lib/instructor/access.server";
import { buildExport, exportKinds, type ExportKind } from "@/lib/instructor/exports.server";

type Context = { params: Promise<{ classId: string; kind: string }> };

/** CSV downloads: grades, attempts (one row per answer) and experiments. */
export function GET(request: Request, { params }: Context) {
  return handleErrors(async () => {
    const { classId, kind } = await params;
    // Authorize before looking at the kind, so an outsider learns nothing from the status code.
    const { klass } = await requireClassInstructor(request.headers, classId);
    const name = kind.replace(/\.csv$/, "");
    if (!(exportKinds as readonly string[]).includes(name)) throw new HttpError(404, `unknown export "${kind.slice(0, 32)}"; try ${exportKinds.join(", ")}`);
    return buildExport(name as ExportKind, klass);
  });
}
