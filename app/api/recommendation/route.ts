import { currentUser } from "@/lib/auth/session.server";
import { ensureVisitor } from "@/lib/auth/visitor.server";
import { requireLessonSlug } from "@/lib/content/lessons.server";
import { recommendationRequestSchema } from "@/lib/experiments/recommend";
import { recommendFor } from "@/lib/experiments/recommend.server";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const MAX_RECOMMENDATION_BODY_BYTES = 16 * 1024;

/** Recommends a lane for a workload from the caller's own stored runs (and the class's and server's, marked), and stores the answer. */
export function POST(request: Request) {
  return handleErrors(async () => {
    const body = parseWith(recommendationRequestSchema, await readJsonBody(request, MAX_RECOMMENDATION_BODY_BYTES));
    requireLessonSlug(body.lessonSlug);
    const user = await currentUser(request.headers);
    const owner = user ? { userId: user.id } : ensureVisitor(request.headers);
    const stored = await recommendFor(body, "userId" in owner ? owner : { visitorId: owner.visitorId });
    const headers: Record<string, string> = {};
    if ("setCookie" in owner && owner.setCookie) headers["set-cookie"] = owner.setCookie;
    return jsonOk(stored, stored.id ? 201 : 200, headers);
  });
}
