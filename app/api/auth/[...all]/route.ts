import { toNextJsHandler } from "better-auth/next-js";
import { auth, clientIpHeader, clientIpHeaderTrusted } from "@/lib/auth/auth.server";
import { clearLoginFailures, loginRetryAfterSeconds, recordLoginFailure } from "@/lib/auth/throttle.server";
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

export async function POST(request: Request) {
  const cleaned = withoutUntrustedIpHeader(request);
  if (!new URL(cleaned.url).pathname.endsWith("/sign-in/email")) return handler().POST(cleaned);
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
  return response;
}
