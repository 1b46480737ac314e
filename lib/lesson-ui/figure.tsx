import type { ReactNode } from "react";

export interface FigureProps {
  caption: ReactNode;
  children: ReactNode;
}

export function Figure({ caption, children }: FigureProps) {
  return (
    <figure>
      {children}
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
