import { currentUser } from "@/lib/auth/session.server";
import { ensureVisitor } from "@/lib/auth/visitor.server";
import { requireLessonSlug } from "@/lib/content/lessons.server";
import { saveResults } from "@/lib/experiments/store.server";
import { LAB_PAGES, MAX_RESULT_BODY_BYTES, saveResultsSchema } from "@/lib/experiments/schema";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";
import { recordExperimentRun } from "@/lib/quiz/progress.server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Anyone may store a run; a signed-in learner's progress counts it. An anonymous
 * browser's runs carry its visitor id, and join its account when it signs up or in.
 */
export function POST(request: Request) {
  return handleErrors(async () => {
    const body = parseWith(saveResultsSchema, await readJsonBody(request, MAX_RESULT_BODY_BYTES));
    // Lab pages (a learner's own model) store results too; only lessons count towards progress.
    const fromLesson = !Object.hasOwn(LAB_PAGES, body.lessonSlug);
    if (fromLesson) requireLessonSlug(body.lessonSlug);
    const user = await currentUser(request.headers);
    const owner = user ? { userId: user.id } : ensureVisitor(request.headers);
    const ids = await saveResults(body, owner);
    if (user && fromLesson) await recordExperimentRun(user.id, body.lessonSlug);
    const headers: Record<string, string> = { location: `/api/experiment-results/${ids[0]}` };
    if ("setCookie" in owner && owner.setCookie) headers["set-cookie"] = owner.setCookie;
    return jsonOk({ id: ids[0], ids, url: `/results/${ids[0]}` }, 201, headers);
  });
}
