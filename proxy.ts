import { NextResponse, type NextRequest } from "next/server";
import { currentUser } from "@/lib/auth/session.server";
import { serverEnv } from "@/lib/env.server";
import { jsonError } from "@/lib/http/errors";
import { crossSiteRefusal } from "@/lib/http/origin";

/**
 * API routes: a request another site's page sent is refused before any route runs.
 *
 * The instructor pages answer a learner with a real 403 status, which a page
 * component can't set (Next's forbidden() needs an experimental flag). The
 * pages check again themselves, and the API routes check on their own.
 */
export async function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith("/api/")) {
    const refusal = crossSiteRefusal(request.method, request.headers, serverEnv().BETTER_AUTH_URL);
    return refusal ? jsonError(403, refusal) : NextResponse.next();
  }
  const user = await currentUser(request.headers);
  if (!user) {
    const login = new URL("/login", request.url);
    login.searchParams.set("next", request.nextUrl.pathname + request.nextUrl.search);
    return NextResponse.redirect(login);
  }
  if (user.role !== "instructor") {
    const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>403 · Inference Lab</title></head><body><main><h1>403: instructors only</h1><p>You are signed in as a learner. Instructor views show other learners' work, so only a class's instructor can open them.</p><p><a href="/">Back to the lessons</a></p></main></body></html>`;
    return new NextResponse(body, { status: 403, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
  }
  return NextResponse.next();
}

// /api/*: every state-changing API route refuses other sites' pages (lib/http/origin.ts).
// Except POST /api/models (a model upload): Next buffers the whole body of any request a proxy
// sees (and cuts it at 10 MB), so that route is left out and checks the origin itself.
export const config = { matcher: ["/instructor", "/instructor/:path*", "/api/((?!models$).*)"] };
