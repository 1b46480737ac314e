"use client";
import Link from "next/link";
import { useState, useSyncExternalStore, type FormEvent } from "react";

type Mode = "sign-up" | "login" | "setup";

/** Only same-site paths: an open redirect after login would be a phishing aid. */
function safeNext(next: string | undefined): string | undefined {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : undefined;
}

/** Without a `next`, instructors go to their classes; learners to the lessons. */
function homeFor(role: string | undefined): string {
  return role === "instructor" ? "/instructor" : "/";
}

const endpoints: Record<Mode, string> = {
  "sign-up": "/api/auth/sign-up/email",
  login: "/api/auth/sign-in/email",
  setup: "/api/setup",
};

const noSubscription = () => () => {};

/**
 * False in the server's HTML, true once React runs: a click before that would
 * submit the form natively, as a GET that puts the password in the address bar.
 */
function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}

export function AuthForm({ mode, next }: { mode: Mode; next?: string }) {
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const requested = safeNext(next);
  const carryNext = requested ? `?next=${encodeURIComponent(requested)}` : "";

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = String(data.get("email") ?? "");
    const password = String(data.get("password") ?? "");
    const name = String(data.get("name") ?? "") || email.split("@")[0];
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(endpoints[mode], {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(mode === "login" ? { email, password } : { email, password, name }),
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
        setError(body.error ?? body.message ?? `failed (${response.status})`);
        return;
      }
      if (mode === "setup") {
        await fetch(endpoints.login, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, password }),
        });
      }
      // better-auth answers sign-in with the user, role included.
      const signedIn = (await response.json().catch(() => ({}))) as { user?: { role?: string } };
      // A full navigation, so every client component re-reads the session.
      window.location.assign(mode === "setup" ? "/classes" : (requested ?? homeFor(signedIn.user?.role)));
    } catch {
      setError("network error; try again");
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="auth-form" onSubmit={submit}>
      {mode !== "login" && (
        <p>
          <label htmlFor="name">Name</label>
          <input id="name" name="name" autoComplete="name" maxLength={100} />
        </p>
      )}
      <p>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required maxLength={200} />
      </p>
      <p>
        <label htmlFor="password">Password{mode === "login" ? "" : " (at least 8 characters)"}</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete={mode === "login" ? "current-password" : "new-password"}
          required
          minLength={mode === "login" ? undefined : 8}
          maxLength={128}
        />
      </p>
      <button type="submit" disabled={busy || !hydrated}>
        {mode === "login" ? "Sign in" : mode === "setup" ? "Create the first instructor" : "Sign up"}
      </button>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      {mode === "sign-up" && (
        <p>
          Already have an account? <Link href={`/login${carryNext}`}>Sign in</Link>
        </p>
      )}
      {mode === "login" && (
        <p>
          New here? <Link href={`/sign-up${carryNext}`}>Sign up</Link>
        </p>
      )}
    </form>
  );
}
