import Link from "next/link";
import { listLessons } from "@/lib/content/lessons.server";
import { LessonProgressBadge, ProgressSignInHint } from "@/lib/quiz/ui/progress";
import { plural } from "@/lib/plural";

export default async function HomePage() {
  const lessons = await listLessons();
  return (
    <>
      <section className="hero">
        <h1>CPU or GPU? Measure, then decide.</h1>
        <p className="lead">
          Inference Lab teaches latency, throughput, batching, quantization, cost and hybrid serving by running real
          ONNX models — on this server&apos;s CPU and GPU lanes and in your own browser — and showing honest
          statistics side by side.
        </p>
      </section>
      <section id="lessons" aria-labelledby="lessons-heading">
        <h2 id="lessons-heading">Lessons</h2>
        <p className="muted">
          Take them in order: each lesson builds on the measurements of the one before. Terms are defined in the{" "}
          <Link href="/glossary">glossary</Link>.
        </p>
        <ProgressSignInHint />
        <ol className="lesson-list">
          {lessons.map((lesson, index) => (
            <li key={lesson.slug} className="lesson-card">
              <span className="lesson-meta">Lesson {index + 1}</span>
              <h3>
                <Link href={`/lessons/${lesson.slug}`}>{lesson.title}</Link>
              </h3>
              <p>{lesson.summary}</p>
              <div className="lesson-meta">
                <span>About {lesson.estimatedMinutes} min</span>
                <span>{plural(lesson.experimentCount, "experiment")}</span>
              </div>
              <LessonProgressBadge slug={lesson.slug} />
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="your-model-heading">
        <h2 id="your-model-heading">Your own model</h2>
        <p>
          <Link href="/lab/your-model">Bring an ONNX file</Link>: see its inputs, operators and FLOPs, and time it on your browser&apos;s WebGPU and WASM. It never leaves your browser.
        </p>
      </section>
    </>
  );
}
