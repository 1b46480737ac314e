import type { ReactNode } from "react";

const titles = { note: "Note", warning: "Careful", measure: "Measure it" } as const;

export interface CalloutProps {
  kind?: keyof typeof titles;
  title?: string;
  children: ReactNode;
}

/** A highlighted aside. "measure" marks a claim the learner should check with an experiment. */
export function Callout({ kind = "note", title, children }: CalloutProps) {
  return (
    <aside className={`callout callout-${kind}`} aria-label={title ?? titles[kind]}>
      <p className="callout-title">{title ?? titles[kind]}</p>
      {children}
    </aside>
  );
}
