import { z } from "zod";
import { currentUser, requireUser } from "@/lib/auth/session.server";
import { lessonSlugs } from "@/lib/content/lessons.server";
import { HttpError, jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";
import { markRead, progressFor, recordExperimentRun } from "@/lib/quiz/progress.server";

/** Anonymous visitors get `signedIn: false` (not a 401) so every page can ask without noise. */
export function GET(request: Request) {
  return handleErrors(async () => {
    const user = await currentUser(request.headers);
    if (!user) return jsonOk({ signedIn: false, lessons: {} });
    return jsonOk({ signedIn: true, user: { name: user.name, role: user.role }, lessons: await progressFor(user.id) });
  });
}

const eventSchema = z.object({ lessonSlug: z.string().max(100), event: z.enum(["read", "experiment"]) }).strict();

export function POST(request: Request) {
  return handleErrors(async () => {
    const user = await requireUser(request.headers);
    const { lessonSlug, event } = parseWith(eventSchema, await readJsonBody(request, 4096));
    if (!lessonSlugs().includes(lessonSlug)) throw new HttpError(404, `unknown lesson "${lessonSlug}"`);
    if (event === "read") await markRead(user.id, lessonSlug);
    else await recordExperimentRun(user.id, lessonSlug);
    return jsonOk({ ok: true });
  });
}
