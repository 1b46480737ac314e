"use client";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { announceProgressChanged, useProgress, type ProgressEntry } from "./use-progress";
import { plural } from "@/lib/plural";

function percent(score: number | null): string {
  return score === null ? "—" : `${Math.round(score * 100)}%`;
}

function Badges({ entry }: { entry: ProgressEntry | undefined }) {
  return (
    <ul className="progress-badges" aria-label="Your progress">
      <li data-testid="progress-read">{entry?.read ? "✓ Read" : "Not read yet"}</li>
      <li data-testid="progress-experiments">{plural(entry?.experimentsRun ?? 0, "experiment run")}</li>
      <li data-testid="progress-best">Best quiz score: {percent(entry?.bestScore ?? null)}</li>
    </ul>
  );
}

/** One line per lesson card on the home page; nothing for anonymous visitors. */
export function LessonProgressBadge({ slug }: { slug: string }) {
  const progress = useProgress();
  if (!progress.loaded || !progress.signedIn) return null;
  return (
    <div className="lesson-progress" data-testid={`progress-${slug}`}>
      <Badges entry={progress.lessons[slug]} />
    </div>
  );
}

/** Once, above the home page's lesson list: why anonymous visitors see no progress on the cards. */
export function ProgressSignInHint() {
  const progress = useProgress();
  if (!progress.loaded || progress.signedIn) return null;
  return (
    <p className="muted" data-testid="progress-sign-in-hint">
      Your progress on each lesson (read, experiments run, best quiz score) shows here once you have an account and are signed in.
    </p>
  );
}

/**
 * On the lesson page: progress so far, a "mark as read" button, and a sentinel
 * at the end of the lesson that marks it read once the learner scrolls there.
 */
export function LessonProgressPanel({ slug }: { slug: string }) {
  const progress = useProgress();
  const entry = progress.lessons[slug];
  const [error, setError] = useState<string | null>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const markedRef = useRef(false);

  useEffect(() => {
    markedRef.current = Boolean(entry?.read);
  }, [entry?.read]);

  const markRead = async () => {
    if (markedRef.current) return;
    markedRef.current = true;
    const response = await fetch("/api/progress", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lessonSlug: slug, event: "read" }),
    });
    if (!response.ok) {
      markedRef.current = false;
      setError(((await response.json().catch(() => ({}))) as { error?: string }).error ?? "could not save");
      return;
    }
    announceProgressChanged();
  };

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !progress.signedIn || entry?.read) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void markRead();
    });
    observer.observe(element);
    return () => observer.disconnect();
    // markRead is stable enough: it reads only refs and the slug.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [progress.signedIn, entry?.read, slug]);

  if (!progress.loaded) return <div ref={sentinel} />;
  if (!progress.signedIn) {
    return (
      <aside className="lesson-progress" ref={sentinel}>
        <p>
          <Link href={`/sign-up?next=/lessons/${slug}`}>Sign up</Link> or <Link href={`/login?next=/lessons/${slug}`}>sign in</Link> to keep
          your progress and quiz scores.
        </p>
      </aside>
    );
  }
  return (
    <aside className="lesson-progress" aria-label="Your progress in this lesson" data-testid="lesson-progress">
      <div ref={sentinel} />
      <Badges entry={entry} />
      {!entry?.read && (
        <button type="button" onClick={() => void markRead()}>
          Mark as read
        </button>
      )}
      {error && <p role="alert">{error}</p>}
    </aside>
  );
}
