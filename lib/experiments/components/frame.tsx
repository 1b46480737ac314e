"use client";
import type { ReactNode } from "react";

export function ExperimentFrame({ title, kind, children }: { title: string; kind: string; children: ReactNode }) {
  return (
    <section className="panel experiment" data-experiment={kind} aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}
