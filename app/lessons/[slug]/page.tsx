import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { compileLesson, lessonSlugs, listLessons } from "@/lib/content/lessons.server";
import { publicLessonQuizzes } from "@/lib/quiz/loader.server";
import { QuizzesProvider } from "@/lib/quiz/ui/quiz-context";
import { LessonProgressPanel } from "@/lib/quiz/ui/progress";
import { LessonBody } from "./lesson-body";

// Every lesson is compiled once, at build time; an unknown slug is a 404, never a compile.
export const dynamicParams = false;

export function generateStaticParams() {
  return lessonSlugs().map((slug) => ({ slug }));
}

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const lesson = await compileLesson((await params).slug);
  return lesson ? { title: lesson.title, description: lesson.summary } : {};
}

export default async function LessonPage({ params }: Params) {
  const { slug } = await params;
  const lesson = await compileLesson(slug);
  if (!lesson) notFound();
  const lessons = await listLessons();
  const index = lessons.findIndex((entry) => entry.slug === slug);
  const previous = index > 0 ? lessons[index - 1] : undefined;
  const next = lessons[index + 1];
  // Validated at build (a broken quiz.json fails the build); only the keyless public copy reaches the page.
  const quizzes = publicLessonQuizzes(slug);

  return (
    <div className="lesson-layout">
      <article className="lesson-body">
        <h1>{lesson.title}</h1>
        <p className="lead">{lesson.summary}</p>
        <p className="lesson-meta" data-testid="lesson-meta">
          <span>
            Lesson {index + 1} of {lessons.length}
          </span>
          <span>About {lesson.estimatedMinutes} min, experiments and quiz included</span>
        </p>
        <section className="objectives" aria-labelledby="objectives-heading">
          <h2 id="objectives-heading">After this lesson you can</h2>
          <ul>
            {lesson.objectives.map((objective) => (
              <li key={objective}>{objective}</li>
            ))}
          </ul>
        </section>
        <QuizzesProvider quizzes={quizzes}>
          <LessonBody code={lesson.code} />
        </QuizzesProvider>
        <LessonProgressPanel slug={slug} />
        <nav className="pager" aria-label="Lessons">
          {previous ? (
            <Link href={`/lessons/${previous.slug}`} rel="prev">
              <span className="pager-label">← Previous</span> {previous.title}
            </Link>
          ) : (
            <span />
          )}
          {next ? (
            <Link href={`/lessons/${next.slug}`} rel="next">
              <span className="pager-label">Next →</span> {next.title}
            </Link>
          ) : (
            <Link href="/glossary">Glossary of terms →</Link>
          )}
        </nav>
      </article>
      {lesson.toc.length > 0 && (
        // A closed <details> on narrow screens, so the list costs one line above the lesson instead of
        // floating over its text; globals.css shows it open, as a sticky sidebar, on wide screens.
        <nav className="toc" aria-label="On this page" data-testid="toc">
          <details>
            <summary>On this page</summary>
            <ol>
              {lesson.toc.map((entry) => (
                <li key={entry.id} className={`depth-${entry.depth}`}>
                  <a href={`#${entry.id}`}>{entry.title}</a>
                </li>
              ))}
            </ol>
          </details>
        </nav>
      )}
    </div>
  );
}
