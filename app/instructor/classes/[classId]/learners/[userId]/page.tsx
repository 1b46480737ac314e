import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { HttpError } from "@/lib/http/errors";
import { formatDateTime, formatMs, formatRate } from "@/lib/instructor/format";
import { laneLabel } from "@/lib/instructor/devices";
import { classForPage } from "@/lib/instructor/page-access.server";
import { learnerDetail, type LearnerDetail } from "@/lib/instructor/reports.server";
import { ClassNav } from "@/lib/instructor/ui/class-nav";

export const metadata: Metadata = { title: "Learner" };

type Props = { params: Promise<{ classId: string; userId: string }> };

export default async function LearnerPage({ params }: Props) {
  const { classId, userId } = await params;
  const { klass } = await classForPage(classId, `/instructor/classes/${classId}/learners/${userId}`);
  let learner: LearnerDetail;
  try {
    learner = await learnerDetail(klass.id, userId);
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) notFound();
    throw error;
  }
  return (
    <section>
      <h1>{learner.name}</h1>
      <ClassNav classId={klass.id} className={klass.name} current="learner" />
      <p>
        {learner.email} · joined {formatDateTime(learner.joinedAt)}
      </p>
      <h2>Lessons</h2>
      <table className="ir-table">
        <thead>
          <tr>
            <th scope="col">Lesson</th>
            <th scope="col">Read</th>
            <th scope="col" className="num">Experiment runs</th>
          </tr>
        </thead>
        <tbody>
          {learner.lessons.map((l) => (
            <tr key={l.slug}>
              <td>{l.title}</td>
              <td>{l.read ? formatDateTime(l.readAt) : "not yet"}</td>
              <td className="num">{l.experimentsRun}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Quiz attempts ({learner.attempts.length})</h2>
      {learner.attempts.length === 0 && <p>No attempt yet.</p>}
      {learner.attempts.map((a) => (
        <article key={a.id} className="ir-attempt" data-testid="learner-attempt">
          <h3>
            Attempt {a.attemptNumber} · {a.quizTitle}
          </h3>
          <p>
            Scored {Math.round(a.score * 100) / 100} of {a.maxScore}, submitted {formatDateTime(a.submittedAt)}
          </p>
          <table className="ir-table">
            <thead>
              <tr>
                <th scope="col">Question</th>
                <th scope="col">Answer</th>
                <th scope="col" className="num">Score</th>
              </tr>
            </thead>
            <tbody>
              {a.questions.map((q) => (
                <tr key={q.questionId}>
                  <td>{q.prompt}</td>
                  <td>{q.answer}</td>
                  <td className={`num${q.correct ? "" : " ir-low"}`}>
                    {Math.round(q.score * 100) / 100} {q.correct ? "✓" : "✗"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
      <h2>Stored experiment results ({learner.results.length})</h2>
      {learner.results.length > 0 && (
        <table className="ir-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Lesson / experiment</th>
              <th scope="col">Model</th>
              <th scope="col">Lane</th>
              <th scope="col">Device</th>
              <th scope="col" className="num">Batch</th>
              <th scope="col" className="num">p50 (ms)</th>
              <th scope="col" className="num">Throughput (items/s)</th>
            </tr>
          </thead>
          <tbody>
            {learner.results.map((r) => (
              <tr key={r.id}>
                <td>{formatDateTime(r.createdAt)}</td>
                <td>
                  {r.lessonSlug} / {r.experiment}
                </td>
                <td>{r.modelId}</td>
                <td>{laneLabel(r.lane, r.software)}</td>
                <td>{r.device ?? "—"}</td>
                <td className="num">{r.batchSize ?? "—"}</td>
                <td className="num">{formatMs(r.p50Ms)}</td>
                <td className="num">{formatRate(r.throughput)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
