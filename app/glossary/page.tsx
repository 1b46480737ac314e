import type { Metadata } from "next";
import Link from "next/link";
import { glossaryEntries } from "@/lib/content/glossary.server";

export const metadata: Metadata = {
  title: "Glossary",
  description: "Plain-words definitions of the serving and hardware terms the lessons use, each linked to the lesson that teaches it.",
};

export default function GlossaryPage() {
  const entries = glossaryEntries();
  return (
    <div className="glossary">
      <h1>Glossary</h1>
      <p className="lead">
        The terms the lessons use, in plain words. Each one links to the lesson where you measure it yourself.
      </p>
      <nav aria-label="Terms" className="glossary-index">
        <ul>
          {entries.map((entry) => (
            <li key={entry.id}>
              <a href={`#${entry.id}`}>{entry.term}</a>
            </li>
          ))}
        </ul>
      </nav>
      <dl className="glossary-terms">
        {entries.map((entry) => (
          <div key={entry.id} id={entry.id} className="glossary-term" data-testid={`term-${entry.id}`}>
            <dt>
              <a href={`#${entry.id}`} className="glossary-anchor">
                {entry.term}
              </a>
            </dt>
            <dd>
              <p>{entry.definition}</p>
              {entry.lessons.length > 0 && (
                <p className="lesson-meta">
                  <span>
                    Taught in{" "}
                    {entry.lessons.map((lesson, index) => (
                      <span key={lesson.slug}>
                        {index > 0 && ", "}
                        <Link href={`/lessons/${lesson.slug}`}>
                          lesson {lesson.order}: {lesson.title}
                        </Link>
                      </span>
                    ))}
                  </span>
                </p>
              )}
              {entry.related.length > 0 && (
                <p className="lesson-meta">
                  <span>
                    See also{" "}
                    {entry.related.map((related, index) => (
                      <span key={related.id}>
                        {index > 0 && ", "}
                        <a href={`#${related.id}`}>{related.term}</a>
                      </span>
                    ))}
                  </span>
                </p>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
