import "server-only";
import { GLOSSARY, type GlossaryTerm } from "@/content/glossary/terms";
import { lessonOutlines } from "./lessons.server";

export interface GlossaryLessonLink {
  slug: string;
  title: string;
  order: number;
}

export interface GlossaryEntry extends Omit<GlossaryTerm, "lessons" | "related"> {
  /** The lessons that teach the term and exist in this build, the main one first. */
  lessons: GlossaryLessonLink[];
  related: { id: string; term: string }[];
}

/**
 * The glossary as the page shows it: terms in alphabetical order, each lesson
 * slug resolved to the lesson's title (a lesson not written yet is left out rather than linked to a 404).
 */
export function glossaryEntries(): GlossaryEntry[] {
  const outlines = new Map(lessonOutlines().map((outline) => [outline.slug, outline]));
  const termsById = new Map(GLOSSARY.map((entry) => [entry.id, entry]));
  return [...GLOSSARY]
    .sort((a, b) => a.term.localeCompare(b.term, "en", { sensitivity: "base" }))
    .map(({ lessons, related = [], ...entry }) => ({
      ...entry,
      lessons: lessons.flatMap((slug) => {
        const outline = outlines.get(slug);
        return outline ? [{ slug, title: outline.title, order: outline.order }] : [];
      }),
      related: related.flatMap((id) => {
        const term = termsById.get(id);
        return term ? [{ id, term: term.term }] : [];
      }),
    }));
}
