"use client";
import Link from "next/link";
import { useEffect, useState } from "react";

type SessionInfo = { user: { name: string; email: string; role?: string } } | null;

export async function signOut() {
  await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  // A full load, so every component drops what it knew about the session.
  window.location.replace(new URL("/", window.location.href));
}

export function SignOutButton() {
  return (
    <button type="button" onClick={() => void signOut()}>
      Sign out
    </button>
  );
}

/** Header links for the visitor's session, read in the browser so every page stays static. */
export function AccountNav() {
  const [session, setSession] = useState<SessionInfo | undefined>(undefined);
  useEffect(() => {
    fetch("/api/auth/get-session", { cache: "no-store" })
      .then((response) => (response.ok ? response.json() : null))
      .then((body: SessionInfo) => setSession(body && body.user ? body : null))
      .catch(() => setSession(null));
  }, []);
  if (session === undefined) return null;
  if (!session) {
    return (
      <span className="account-nav">
        <Link href="/login">Sign in</Link>
        <Link href="/sign-up">Sign up</Link>
      </span>
    );
  }
  return (
    <span className="account-nav">
      <Link href="/classes">Classes</Link>
      {session.user.role === "instructor" && <Link href="/instructor">Instructor</Link>}
      <span data-testid="signed-in-as">
        {session.user.name}
        {session.user.role === "instructor" ? " (instructor)" : ""}
      </span>
      <SignOutButton />
    </span>
  );
}
