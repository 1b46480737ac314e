import "server-only";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { db, databaseProvider } from "@/lib/db/client.server";
import { serverEnv } from "@/lib/env.server";
import { hashPassword, verifyPassword } from "./password.server";
import { authSecret } from "./secret.server";
import { sameHostOrigin, secureCookiesFor } from "./origin";

/**
 * The header better-auth reads the client IP from. Under plain `next start`,
 * Next keeps a client-sent X-Forwarded-For, so trusting it would let anyone
 * dodge the login rate limit. Only a header that a reverse proxy you run sets
 * (AUTH_CLIENT_IP_HEADER, e.g. x-real-ip) is trusted; app/api/auth strips it
 * otherwise, and the limiter then keys on the path alone (plus our per-email throttle).
 */
const configuredIpHeader = serverEnv().AUTH_CLIENT_IP_HEADER;
export const clientIpHeader = (configuredIpHeader ?? "x-inference-lab-client-ip").toLowerCase();
export const clientIpHeaderTrusted = Boolean(configuredIpHeader);

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
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 200,
      customRules: {
        // Without a trusted IP header every client shares one bucket, so keep it roomy enough for a class
        // signing in together; per-account guessing is capped by the per-email throttle instead.
        "/sign-in/email": clientIpHeaderTrusted ? { window: 60, max: 10 } : { window: 60, max: 120 },
        "/sign-up/email": clientIpHeaderTrusted ? { window: 60, max: 10 } : { window: 60, max: 120 },
      },
    },
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
