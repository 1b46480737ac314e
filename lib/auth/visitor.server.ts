import "server-only";
import { randomUUID } from "node:crypto";
import { serverEnv } from "@/lib/env.server";
import { secureCookiesFor } from "@/lib/http/origin";

/**
 * An anonymous browser's id, in an httpOnly cookie, so the experiment runs it
 * stores before signing up can join the account it then creates or signs in to.
 * Only the server reads it; it identifies a browser, never a person.
 */
const VISITOR_COOKIE = "lab_visitor";
const ONE_YEAR_S = 60 * 60 * 24 * 365;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function visitorIdFrom(headers: Headers): string | null {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [name, value] = part.trim().split("=", 2);
    if (name === VISITOR_COOKIE && value && UUID.test(value)) return value;
  }
  return null;
}

function cookie(value: string, maxAge: number): string {
  const secure = secureCookiesFor(serverEnv().BETTER_AUTH_URL) ? "; Secure" : "";
  return `${VISITOR_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
}

/** The request's visitor id, or a new one with the Set-Cookie header that gives it to the browser. */
export function ensureVisitor(headers: Headers): { visitorId: string; setCookie: string | null } {
  const existing = visitorIdFrom(headers);
  if (existing) return { visitorId: existing, setCookie: null };
  const visitorId = randomUUID();
  return { visitorId, setCookie: cookie(visitorId, ONE_YEAR_S) };
}

/** Once its runs belong to an account, the browser starts afresh: the next anonymous visitor there is someone new. */
export function forgetVisitorCookie(): string {
  return cookie("", 0);
}
