"use client";
import Link from "next/link";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { plural } from "@/lib/plural";

type ClassRow = { id: string; name: string; joinCode?: string; members?: number; teaching: boolean };

/** Instructors create classes and read out join codes; learners join with a code. */
export function ClassesPanel() {
  const [state, setState] = useState<{ role: "learner" | "instructor"; classes: ClassRow[] } | null | "anonymous">(null);
  const [message, setMessage] = useState("");

  const load = useCallback(() => {
    fetch("/api/classes", { cache: "no-store" })
      .then(async (response) => {
        if (response.status === 401) return setState("anonymous");
        setState((await response.json()) as { role: "learner" | "instructor"; classes: ClassRow[] });
      })
      .catch(() => setMessage("could not load classes"));
  }, []);
  useEffect(load, [load]);

  // On success the form is emptied, so a code or name that was used can't be sent twice by accident;
  // on failure it stays for the learner to correct.
  const post = async (form: HTMLFormElement, url: string, body: unknown, done: (json: Record<string, unknown>) => string) => {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await response.json()) as Record<string, unknown>;
    setMessage(response.ok ? done(json) : String(json.error ?? response.status));
    if (!response.ok) return;
    form.reset();
    load();
  };

  if (state === null) return <p>Loading…</p>;
  if (state === "anonymous") return <p><Link href="/login?next=/classes">Sign in</Link> to see your classes.</p>;

  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    void post(form, "/api/classes", { name: String(new FormData(form).get("name")) }, (json) => `Created. Join code: ${String(json.joinCode)}`);
  };
  const join = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    void post(form, "/api/classes/join", { code: String(new FormData(form).get("code")) }, (json) => `Joined ${String((json.joined as { name: string }).name)}.`);
  };

  return (
    <>
      {state.role === "instructor" ? (
        <form onSubmit={create}>
          <label htmlFor="class-name">New class name</label> <input id="class-name" name="name" required minLength={2} maxLength={100} />{" "}
          <button type="submit">Create class</button>
        </form>
      ) : (
        <form onSubmit={join}>
          <label htmlFor="join-code">Join code</label> <input id="join-code" name="code" required minLength={4} maxLength={16} autoCapitalize="characters" />{" "}
          <button type="submit">Join class</button>
        </form>
      )}
      <p aria-live="polite" data-testid="classes-message">{message}</p>
      <ul data-testid="classes-list">
        {state.classes.map((c) => (
          <li key={c.id}>
            {c.name}
            {c.teaching ? ` — join code ${c.joinCode}, ${plural(c.members ?? 0, "learner")}` : ""}
          </li>
        ))}
      </ul>
    </>
  );
}
