import "server-only";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { db, databaseProvider } from "@/lib/db/client.server";
import { serverEnv } from "@/lib/env.server";
import { hashPassword, verifyPassword } from "./password.server";
import { authSecret } from "./secret.server";
import { sameHostOrigin, secureCookiesFor } from "@/lib/http/origin";

/**
 * The header better-auth reads the client IP from. Under plain `next start`,
 * Next keeps a client-sent X-Forwarded-For, so trusting it would let anyone
 * dodge the login rate limit. Only a header that a reverse proxy you run sets
 * (AUTH_CLIENT_IP_HEADER, e.g. x-real-ip) is trusted; app/api/auth strips it
 * otherwise, and then no limit is per address (the per-account ones still hold).
 */
const configuredIpHeader = serverEnv().AUTH_CLIENT_IP_HEADER;
export const clientIpHeader = (configuredIpHeader ?? "x-inference-lab-client-ip").toLowerCase();
export const clientIpHeaderTrusted = Boolean(configuredIpHeader);

/** The client's address as the trusted proxy names it, or null when none is configured. */
export function clientAddress(headers: Headers): string | null {
  if (!clientIpHeaderTrusted) return null;
  const value = headers.get(clientIpHeader)?.split(",")[0]?.trim();
  return value ? value.slice(0, 64) : null;
}

function createAuth() {
  const publicUrl = serverEnv().BETTER_AUTH_URL;
  return betterAuth({
    secret: authSecret(),
    ...(publicUrl
      ? { baseURL: publicUrl }
      : {
          // No configured origin: trust the one the browser used when it names the host the request reached.
          trustedOrigins: (request?: Request) => {
            const origin = request ? sameHostOrigin(request.headers) : null;
            return origin ? [origin] : [];
          },
        }),
    database: prismaAdapter(db, { provider: databaseProvider() }),
    telemetry: { enabled: false },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
      password: { hash: hashPassword, verify: verifyPassword },
    },
    user: {
      additionalFields: {
        // input: false → a sign-up body can't make itself an instructor.
        role: { type: "string", required: false, defaultValue: "learner", input: false },
      },
    },
    session: {
      expiresIn: 60 * 60 * 24 * 14,
      updateAge: 60 * 60 * 24,
      // A signed copy of the session in a cookie spares one database read per request; a
      // revoked session can live on for at most this long.
      cookieCache: { enabled: true, maxAge: 60 },
    },
    // Only per client: better-auth keys its limiter on the address a trusted proxy names, and without
    // one it falls back to one bucket per path for everybody, which refused a class signing in together.
    // Password guessing is limited per account and per address in throttle.server.ts instead.
    rateLimit: clientIpHeaderTrusted
      ? {
          enabled: true,
          storage: "database",
          window: 60,
          max: 600,
          // Every page asks for the session once; a class behind one NAT address must not run out.
          customRules: { "/sign-in/email": false, "/get-session": false, "/sign-up/email": { window: 60, max: 600 } },
        }
      : { enabled: false },
    advanced: {
      ipAddress: { ipAddressHeaders: [clientIpHeader] },
      // better-auth turns its Origin check off whenever TEST is set (Vitest sets it), which once let
      // servers started by the test suite accept what production refuses: keep it on everywhere.
      disableOriginCheck: false,
      useSecureCookies: secureCookiesFor(publicUrl),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
    },
  });
}

type Auth = ReturnType<typeof createAuth>;
const globalForAuth = globalThis as unknown as { inferenceLabAuth?: Auth };

export function auth(): Auth {
  globalForAuth.inferenceLabAuth ??= createAuth();
  return globalForAuth.inferenceLabAuth;
}
