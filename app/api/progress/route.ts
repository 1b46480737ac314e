import { currentUser, requireUser } from "@/lib/auth/session.server";
import { requireLessonSlug } from "@/lib/content/lessons.server";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";
import { markRead, progressFor, recordExperimentRun } from "@/lib/quiz/progress.server";
import { progressEventSchema } from "@/lib/quiz/schema";

/** Anonymous visitors get `signedIn: false` (not a 401) so every page can ask without noise. */
export function GET(request: Request) {
  return handleErrors(async () => {
    const user = await currentUser(request.headers);
    if (!user) return jsonOk({ signedIn: false, lessons: {} });
    return jsonOk({ signedIn: true, user: { name: user.name, role: user.role }, lessons: await progressFor(user.id) });
  });
}

export function POST(request: Request) {
  return handleErrors(async () => {
    const user = await requireUser(request.headers);
    const { lessonSlug, event } = parseWith(progressEventSchema, await readJsonBody(request, 4096));
    requireLessonSlug(lessonSlug);
    if (event === "read") await markRead(user.id, lessonSlug);
    else await recordExperimentRun(user.id, lessonSlug);
    return jsonOk({ ok: true });
  });
}
