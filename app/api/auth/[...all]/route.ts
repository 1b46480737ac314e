import { toNextJsHandler } from "better-auth/next-js";
import { auth, clientIpHeader, clientIpHeaderTrusted } from "@/lib/auth/auth.server";
import { clearLoginFailures, loginRetryAfterSeconds, recordLoginFailure } from "@/lib/auth/throttle.server";
import { forgetVisitorCookie, visitorIdFrom } from "@/lib/auth/visitor.server";
import { claimVisitorResults } from "@/lib/experiments/store.server";
import { jsonError } from "@/lib/http/errors";

const handler = () => toNextJsHandler(auth());

/** Without a configured proxy header, a client could pick its own rate-limit bucket by sending it. */
function withoutUntrustedIpHeader(request: Request): Request {
  if (clientIpHeaderTrusted || !request.headers.has(clientIpHeader)) return request;
  const headers = new Headers(request.headers);
  headers.delete(clientIpHeader);
  return new Request(request, { headers });
}

export function GET(request: Request) {
  return handler().GET(withoutUntrustedIpHeader(request));
}

/** Experiment runs this browser stored anonymously join the account it just signed up or in to. */
async function withVisitorRunsClaimed(request: Request, response: Response): Promise<Response> {
  const visitorId = visitorIdFrom(request.headers);
  if (!visitorId || !response.ok) return response;
  const userId = await response
    .clone()
    .json()
    .then((body: { user?: { id?: unknown } }) => (typeof body?.user?.id === "string" ? body.user.id : null))
    .catch(() => null);
  if (!userId) return response;
  await claimVisitorResults(visitorId, userId);
  const claimed = new Response(response.body, response);
  claimed.headers.append("set-cookie", forgetVisitorCookie());
  return claimed;
}

export async function POST(request: Request) {
  const cleaned = withoutUntrustedIpHeader(request);
  const path = new URL(cleaned.url).pathname;
  if (path.endsWith("/sign-up/email")) return withVisitorRunsClaimed(cleaned, await handler().POST(cleaned));
  if (!path.endsWith("/sign-in/email")) return handler().POST(cleaned);
  const email = await cleaned
    .clone()
    .json()
    .then((body: unknown) => (typeof (body as { email?: unknown })?.email === "string" ? (body as { email: string }).email : null))
    .catch(() => null);
  if (email === null) return handler().POST(cleaned);
  const retryAfter = await loginRetryAfterSeconds(email);
  if (retryAfter !== null) {
    return jsonError(429, `too many failed sign-ins for this account; try again in ${retryAfter} s`, { "retry-after": String(retryAfter) });
  }
  const response = await handler().POST(cleaned);
  if (response.status === 401) await recordLoginFailure(email);
  else if (response.ok) await clearLoginFailures(email);
  return withVisitorRunsClaimed(cleaned, response);
}
