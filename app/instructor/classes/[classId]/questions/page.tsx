import type { Metadata } from "next";
import Link from "next/link";
import { formatPercent } from "@/lib/instructor/format";
import { classForPage } from "@/lib/instructor/page-access.server";
import { attemptScopes, type AttemptScope, type QuestionStat } from "@/lib/instructor/questions";
import { classQuestionStats } from "@/lib/instructor/reports.server";
import { ClassNav } from "@/lib/instructor/ui/class-nav";
import { plural } from "@/lib/plural";

export const metadata: Metadata = { title: "Question statistics" };

type Props = { params: Promise<{ classId: string }>; searchParams: Promise<{ scope?: string | string[] }> };

const scopeLabels: Record<AttemptScope, string> = { all: "every attempt", first: "first attempts", latest: "latest attempts" };

function Bar({ share, correct }: { share: number; correct: boolean }) {
  return <span className={`ir-bar${correct ? " correct" : ""}`} style={{ width: `${Math.round(share * 10)}rem` }} aria-hidden="true" />;
}

function QuestionBlock({ q, index }: { q: QuestionStat; index: number }) {
  return (
    <article className="ir-question" id={`q-${q.questionId}`} data-testid={`question-${q.questionId}`}>
      <h4>
        {index + 1}. {q.prompt}
      </h4>
      <p>
        <strong data-testid="percent-correct">{formatPercent(q.percentCorrect)}</strong> fully correct · mean score {formatPercent(q.meanScore)} ·{" "}
        {plural(q.attempts, "attempt")} · {q.unanswered} unanswered
      </p>
      {q.choices && (
        <table className="ir-table">
          <caption className="ir-caption">Share of attempts that selected each choice{q.type === "multiple" ? " (several per attempt, so shares add up to more than 100%)" : ""}.</caption>
          <thead>
            <tr>
              <th scope="col">Choice</th>
              <th scope="col">Key</th>
              <th scope="col" className="num">Selected</th>
              <th scope="col">Share</th>
            </tr>
          </thead>
          <tbody>
            {q.choices.map((c) => (
              <tr key={c.id}>
                <td>{c.text}</td>
                <td>{c.correct ? "correct" : "wrong"}</td>
                <td className="num">{c.count}</td>
                <td>
                  <Bar share={c.share} correct={c.correct} />
                  {formatPercent(c.share)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {q.commonAnswers && (
        <p>
          Expected {q.expected ?? "the learner's own result"}
          {q.unit ? ` ${q.unit}` : ""}. Most given answers:{" "}
          {q.commonAnswers.length === 0
            ? "none yet"
            : q.commonAnswers.map((a, i) => (
                <span key={a.value}>
                  {i > 0 ? ", " : ""}
                  {a.value} ×{a.count}
                  {a.correct ? " ✓" : ""}
                </span>
              ))}
        </p>
      )}
    </article>
  );
}

export default async function QuestionsPage({ params, searchParams }: Props) {
  const { classId } = await params;
  const requested = (await searchParams).scope;
  const scope: AttemptScope = attemptScopes.find((s) => s === requested) ?? "all";
  const { klass } = await classForPage(classId, `/instructor/classes/${classId}/questions`);
  const quizzes = await classQuestionStats(klass.id, scope);
  return (
    <section>
      <h1>{klass.name}</h1>
      <ClassNav classId={klass.id} className={klass.name} current="questions" />
      <p>
        Counting:{" "}
        {attemptScopes.map((s, i) => (
          <span key={s}>
            {i > 0 ? " · " : ""}
            {s === scope ? <strong>{scopeLabels[s]}</strong> : <Link href={`?scope=${s}`}>{scopeLabels[s]}</Link>}
          </span>
        ))}
      </p>
      {quizzes.map((quiz) => {
        const byId = new Map(quiz.questions.map((q) => [q.questionId, q]));
        return (
          <section key={quiz.quizId} aria-labelledby={`quiz-${quiz.quizId}`}>
            <h2 id={`quiz-${quiz.quizId}`}>{quiz.title}</h2>
            <p>
              {plural(quiz.attempts, "attempt")} by {plural(quiz.learners, "learner")}.
            </p>
            {quiz.mostMissed.length > 0 && (
              <>
                <h3>Most missed</h3>
                <ol data-testid={`most-missed-${quiz.quizId}`}>
                  {quiz.mostMissed.map((id) => (
                    <li key={id}>
                      <a href={`#q-${id}`}>{byId.get(id)!.prompt}</a> — {formatPercent(byId.get(id)!.percentCorrect)} correct
                    </li>
                  ))}
                </ol>
              </>
            )}
            <h3>Every question</h3>
            {quiz.questions.map((q, i) => (
              <QuestionBlock key={q.questionId} q={q} index={i} />
            ))}
          </section>
        );
      })}
    </section>
  );
}
