"use client";

export type BrowserSession = { user: { name: string; email: string; role?: string } } | null;

let pending: Promise<BrowserSession> | undefined;

/**
 * The visitor's session as better-auth's get-session reports it: 200 with `null` for an
 * anonymous visitor, so asking never logs a 401 in the console. Components ask this first and
 * call routes that require a learner only when there is one. Asked once per document: signing
 * in and out are full page loads, which start a fresh one.
 */
export function browserSession(): Promise<BrowserSession> {
  pending ??= fetch("/api/auth/get-session", { cache: "no-store" })
    .then((response) => (response.ok ? (response.json() as Promise<BrowserSession>) : Promise.reject(new Error(String(response.status)))))
    .then((body) => (body && body.user ? body : null));
  // A failed lookup is not remembered, so the next component asks again.
  pending.catch(() => (pending = undefined));
  return pending;
}
