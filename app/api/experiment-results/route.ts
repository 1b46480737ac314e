import { currentUser } from "@/lib/auth/session.server";
import { lessonSlugs } from "@/lib/content/lessons.server";
import { saveResults } from "@/lib/experiments/store.server";
import { MAX_RESULT_BODY_BYTES, saveResultsSchema } from "@/lib/experiments/schema";
import { HttpError, jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";
import { recordExperimentRun } from "@/lib/quiz/progress.server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Anyone may store a run (anonymous runs have no user); a signed-in learner's progress counts it. */
export function POST(request: Request) {
  return handleErrors(async () => {
    const body = parseWith(saveResultsSchema, await readJsonBody(request, MAX_RESULT_BODY_BYTES));
    if (!lessonSlugs().includes(body.lessonSlug)) throw new HttpError(404, `unknown lesson "${body.lessonSlug}"`);
    const user = await currentUser(request.headers);
    const ids = await saveResults(body, user?.id ?? null);
    if (user) await recordExperimentRun(user.id, body.lessonSlug);
    return jsonOk({ id: ids[0], ids, url: `/results/${ids[0]}` }, 201, { location: `/api/experiment-results/${ids[0]}` });
  });
}
