import "server-only";
import { toNextJsHandler } from "better-auth/next-js";
import { jsonError } from "@/lib/http/errors";
import { auth, clientAddress, clientIpHeader, clientIpHeaderTrusted } from "./auth.server";
import { carriesProfileFields, profileFieldProblem } from "./profile-limits";
import { clearSignInFailures, recordSignInFailure, signInRetryAfterSeconds } from "./throttle.server";
import { forgetVisitorCookie, visitorIdFrom } from "./visitor.server";

/**
 * better-auth's endpoints as the API serves them: the lab's own sign-in
 * throttle, profile limits and error shape around better-auth's handler.
 * app/api/auth/[...all] only wires these to the route.
 */

/**
 * Hands an anonymous browser's stored experiment runs to the account it just
 * signed up or in to. Passed in by the route, because what is stored
 * anonymously (experiment results) belongs to a layer above accounts.
 */
export type ClaimVisitor = (visitorId: string, userId: string) => Promise<unknown>;

const handler = () => toNextJsHandler(auth());

/** Without a configured proxy header, a client could pick its own rate-limit bucket by sending it. */
function withoutUntrustedIpHeader(request: Request): Request {
  if (clientIpHeaderTrusted || !request.headers.has(clientIpHeader)) return request;
  const headers = new Headers(request.headers);
  headers.delete(clientIpHeader);
  return new Request(request, { headers });
}

/**
 * better-auth answers `{"message", "code"}`; the API's one error shape is
 * `{"error"}` (code kept for clients that switch on it), and every 429 says
 * Retry-After, not only X-Retry-After.
 */
async function inApiErrorShape(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { message?: unknown; code?: unknown; error?: unknown } | null;
  const message = typeof body?.error === "string" ? body.error : typeof body?.message === "string" && body.message ? body.message : response.statusText || `HTTP ${response.status}`;
  const headers = new Headers(response.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  headers.delete("content-length");
  if (response.status === 429 && !headers.has("retry-after")) headers.set("retry-after", headers.get("x-retry-after") ?? "60");
  return new Response(JSON.stringify({ error: message, ...(typeof body?.code === "string" ? { code: body.code } : {}) }), { status: response.status, headers });
}

/** Experiment runs this browser stored anonymously join the account it just signed up or in to. */
async function withVisitorRunsClaimed(request: Request, response: Response, claim: ClaimVisitor): Promise<Response> {
  const visitorId = visitorIdFrom(request.headers);
  if (!visitorId || !response.ok) return response;
  const userId = await response
    .clone()
    .json()
    .then((body: { user?: { id?: unknown } }) => (typeof body?.user?.id === "string" ? body.user.id : null))
    .catch(() => null);
  if (!userId) return response;
  await claim(visitorId, userId);
  const claimed = new Response(response.body, response);
  claimed.headers.append("set-cookie", forgetVisitorCookie());
  return claimed;
}

async function signIn(request: Request, email: string | null, claim: ClaimVisitor): Promise<Response> {
  if (email === null) return handler().POST(request);
  const address = clientAddress(request.headers);
  const retryAfter = await signInRetryAfterSeconds(email, address);
  if (retryAfter !== null) {
    return jsonError(429, `too many failed sign-ins for this account or address; try again in ${retryAfter} s`, { "retry-after": String(retryAfter) });
  }
  const response = await handler().POST(request);
  if (response.status === 401) await recordSignInFailure(email, address);
  else if (response.ok) await clearSignInFailures(email);
  return withVisitorRunsClaimed(request, response, claim);
}

export async function authGet(request: Request): Promise<Response> {
  return inApiErrorShape(await handler().GET(withoutUntrustedIpHeader(request)));
}

export async function authPost(request: Request, claim: ClaimVisitor): Promise<Response> {
  const cleaned = withoutUntrustedIpHeader(request);
  const path = new URL(cleaned.url).pathname;
  const body = carriesProfileFields(path) ? ((await cleaned.clone().json().catch(() => null)) as unknown) : null;
  const problem = profileFieldProblem(body);
  if (problem) return jsonError(400, problem);
  let response: Response;
  if (path.endsWith("/sign-in/email")) {
    const email = typeof (body as { email?: unknown } | null)?.email === "string" ? (body as { email: string }).email : null;
    response = await signIn(cleaned, email, claim);
  } else if (path.endsWith("/sign-up/email")) {
    response = await withVisitorRunsClaimed(cleaned, await handler().POST(cleaned), claim);
  } else {
    response = await handler().POST(cleaned);
  }
  return inApiErrorShape(response);
}
