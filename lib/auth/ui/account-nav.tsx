"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { browserSession, type BrowserSession } from "./browser-session";

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
  const [session, setSession] = useState<BrowserSession | undefined>(undefined);
  const pathname = usePathname();
  // A reader comes back to the page they were on; from the home page (or an auth page) there is no
  // `next`, so the sign-in form picks the home for the account's role (instructors: their classes).
  const back = pathname === "/" || /^\/(login|sign-up|logout|setup)\b/.test(pathname) ? "" : `?next=${encodeURIComponent(pathname)}`;
  useEffect(() => {
    browserSession()
      .then(setSession)
      .catch(() => setSession(null));
  }, []);
  if (session === undefined) return null;
  if (!session) {
    return (
      <span className="account-nav">
        <Link href={`/login${back}`}>Sign in</Link>
        <Link href={`/sign-up${back}`}>Sign up</Link>
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
