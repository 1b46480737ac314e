"use client";
import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { browserSession } from "@/lib/auth/ui/browser-session";
import { plural } from "@/lib/plural";
import type { AnswerValue, AttemptResult, PublicQuestion, PublicQuiz, QuestionResult } from "../schema";
import { randomSeed, shuffled } from "../shuffle";
import { usePublicQuiz } from "./quiz-context";
import { announceProgressChanged } from "./use-progress";

type Answers = Record<string, AnswerValue>;
type Draft = { seed: number; answers: Answers; startedAt: string };

const draftKey = (quizId: string) => `inference-lab:quiz-draft:${quizId}`;

function loadDraft(quizId: string): Draft | null {
  try {
    const raw = window.sessionStorage.getItem(draftKey(quizId));
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

function saveDraft(quizId: string, draft: Draft) {
  try {
    window.sessionStorage.setItem(draftKey(quizId), JSON.stringify(draft));
  } catch {
    // private mode: the draft is only a convenience
  }
}

function clearDraft(quizId: string) {
  try {
    window.sessionStorage.removeItem(draftKey(quizId));
  } catch {
    // ignore
  }
}

/**
 * A lesson's quiz: `<Quiz id="…" />` in MDX. It only ever has the public copy
 * (no keys); grading and feedback come from the server after submitting.
 * Anonymous learners are sent to sign up with their answers kept in this tab.
 */
export function Quiz({ id }: { id: string }) {
  const fromPage = usePublicQuiz(id);
  const [quiz, setQuiz] = useState<PublicQuiz | null>(fromPage ?? null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (quiz) return;
    fetch(`/api/quizzes/${encodeURIComponent(id)}`)
      .then(async (response) => (response.ok ? setQuiz((await response.json()) as PublicQuiz) : setLoadError(`Quiz ${id} could not be loaded.`)))
      .catch(() => setLoadError(`Quiz ${id} could not be loaded.`));
  }, [id, quiz]);

  if (loadError) return <p role="alert">{loadError}</p>;
  if (!quiz) return <p>Loading quiz…</p>;
  return <QuizForm quiz={quiz} />;
}

type Status = "checking" | "anonymous" | "ready" | "submitting";
/** Feedback on screen: the attempt just submitted, or a past one the learner reopened. */
type Shown = { result: AttemptResult; justSubmitted: boolean };

function QuizForm({ quiz }: { quiz: PublicQuiz }) {
  const baseId = useId();
  const [seed, setSeed] = useState<number | null>(null);
  const [answers, setAnswers] = useState<Answers>({});
  const [startedAt, setStartedAt] = useState<string>("");
  const [status, setStatus] = useState<Status>("checking");
  const [shown, setShown] = useState<Shown | null>(null);
  const [previous, setPrevious] = useState<AttemptResult[]>([]);
  const [message, setMessage] = useState<string>("");
  const [error, setError] = useState<string | null>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const router = useRouter();

  // The seed is random per attempt, so it is picked after hydration; a draft kept across sign-up keeps its order.
  useEffect(() => {
    const draft = loadDraft(quiz.id);
    /* eslint-disable react-hooks/set-state-in-effect -- restoring browser-only state after hydration */
    setSeed(draft?.seed ?? randomSeed());
    setAnswers(draft?.answers ?? {});
    setStartedAt(draft?.startedAt ?? new Date().toISOString());
    /* eslint-enable react-hooks/set-state-in-effect */
    // Own attempts (with their feedback) only exist for a signed-in learner; a visitor isn't asked for them.
    browserSession()
      .then(async (session) => {
        if (!session) return setStatus("anonymous");
        const response = await fetch(`/api/quizzes/${encodeURIComponent(quiz.id)}/attempts`, { cache: "no-store" });
        if (response.status === 401) return setStatus("anonymous");
        if (!response.ok) throw new Error(String(response.status));
        const body = (await response.json()) as { attempts: AttemptResult[] };
        setPrevious(body.attempts);
        setStatus("ready");
      })
      .catch(() => setStatus("ready"));
  }, [quiz.id]);

  const ordered = useMemo(
    () =>
      quiz.questions.map((question) =>
        question.type === "numeric" || seed === null ? question : { ...question, choices: shuffled(question.choices, seed, question.id) },
      ),
    [quiz.questions, seed],
  );

  const attemptsUsed = previous.length;
  const attemptsLeft = quiz.maxAttempts === null ? null : Math.max(0, quiz.maxAttempts - attemptsUsed);

  const update = (questionId: string, value: AnswerValue | undefined) => {
    setAnswers((current) => {
      const next = { ...current };
      if (value === undefined) delete next[questionId];
      else next[questionId] = value;
      if (seed !== null) saveDraft(quiz.id, { seed, answers: next, startedAt });
      return next;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (seed === null) return;
    setError(null);
    if (status === "anonymous") {
      saveDraft(quiz.id, { seed, answers, startedAt });
      const back = `${window.location.pathname}#quiz-${quiz.id}`;
      router.push(`/sign-up?next=${encodeURIComponent(back)}`);
      return;
    }
    setStatus("submitting");
    setMessage("Submitting your answers…");
    try {
      const response = await fetch(`/api/quizzes/${encodeURIComponent(quiz.id)}/attempts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seed, answers, startedAt }),
      });
      const body = (await response.json()) as AttemptResult | { error: string };
      if (!response.ok || "error" in body) {
        const text = "error" in body ? body.error : `submission failed (${response.status})`;
        setError(text);
        setMessage(`Not submitted: ${text}`);
        setStatus(response.status === 401 ? "anonymous" : "ready");
        return;
      }
      clearDraft(quiz.id);
      setShown({ result: body, justSubmitted: true });
      setPrevious((list) => [body, ...list]);
      setMessage(`Submitted. You scored ${formatScore(body.score)} out of ${body.maxScore}.`);
      setStatus("ready");
      announceProgressChanged();
      requestAnimationFrame(() => resultHeading.current?.focus());
    } catch {
      setError("network error: your answers are kept in this tab, try again");
      setMessage("Not submitted: network error.");
      setStatus("ready");
    }
  };

  const retry = () => {
    const fresh = randomSeed();
    setShown(null);
    setAnswers({});
    setSeed(fresh);
    setStartedAt(new Date().toISOString());
    setMessage("");
  };

  const review = (attempt: AttemptResult) => {
    setShown({ result: attempt, justSubmitted: false });
    setMessage(`Showing your feedback on attempt ${attempt.attemptNumber}.`);
    requestAnimationFrame(() => resultHeading.current?.focus());
  };

  // Back from reviewing a past attempt: the answers being drafted are still there.
  const closeReview = () => {
    setShown(null);
    setMessage("");
  };

  const latest = previous[0];

  return (
    <section className="quiz" id={`quiz-${quiz.id}`} aria-labelledby={`${baseId}-title`} data-testid={`quiz-${quiz.id}`}>
      <h3 id={`${baseId}-title`}>{quiz.title}</h3>
      {latest && !shown?.justSubmitted && (
        <p className="quiz-previous" data-testid="quiz-previous">
          Your best so far: {formatScore(Math.max(...previous.map((a) => a.score)))} of {latest.maxScore} ({plural(previous.length, "attempt")}).
        </p>
      )}
      {previous.length > 0 && (
        <details className="quiz-history" data-testid="quiz-history">
          <summary>Review past feedback ({plural(previous.length, "attempt")})</summary>
          <ul>
            {previous.map((attempt) => (
              <li key={attempt.attemptId}>
                Attempt {attempt.attemptNumber}: {formatScore(attempt.score)} of {attempt.maxScore},{" "}
                <time dateTime={attempt.submittedAt}>{new Date(attempt.submittedAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}</time>{" "}
                <button
                  type="button"
                  onClick={() => review(attempt)}
                  aria-pressed={shown?.result.attemptId === attempt.attemptId}
                  aria-label={`Review attempt ${attempt.attemptNumber}`}
                >
                  Review
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
      {quiz.maxAttempts !== null && (
        <p className="quiz-attempts">
          {attemptsLeft} of {plural(quiz.maxAttempts, "attempt")} left.
        </p>
      )}
      {shown ? (
        <Feedback
          quiz={quiz}
          shown={shown}
          headingRef={resultHeading}
          onRetry={shown.justSubmitted && attemptsLeft !== 0 ? retry : undefined}
          onClose={shown.justSubmitted ? undefined : closeReview}
        />
      ) : (
        <form onSubmit={submit} noValidate>
          {/* Disabled in the server's HTML until the quiz knows who is answering: a choice made before
              hydration would be checked natively, then silently reset by React. */}
          <fieldset className="quiz-fields" disabled={status === "checking"}>
            {ordered.map((question, index) => (
              <QuestionField
                key={question.id}
                baseId={`${baseId}-${question.id}`}
                index={index}
                question={question}
                value={answers[question.id]}
                onChange={(value) => update(question.id, value)}
              />
            ))}
          </fieldset>
          {status === "anonymous" && <p className="quiz-note">You&apos;ll be asked to sign up; your answers are kept.</p>}
          <button type="submit" disabled={status === "checking" || status === "submitting" || seed === null || attemptsLeft === 0}>
            {status === "anonymous" ? "Sign up to submit" : "Submit answers"}
          </button>
          {error && (
            <p className="quiz-error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
      <p className="visually-hidden" aria-live="polite" data-testid="quiz-status">
        {message}
      </p>
    </section>
  );
}

function toleranceText(result: QuestionResult): string {
  const tolerance = result.tolerance ?? 0;
  return result.toleranceType === "relative" ? `${Math.round(tolerance * 1000) / 10}%` : String(tolerance);
}

function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(2);
}

function QuestionField({
  baseId,
  index,
  question,
  value,
  onChange,
}: {
  baseId: string;
  index: number;
  question: PublicQuestion;
  value: AnswerValue | undefined;
  onChange: (value: AnswerValue | undefined) => void;
}) {
  if (question.type === "numeric") {
    return (
      <fieldset className="quiz-question">
        <legend>
          {index + 1}. {question.prompt}
        </legend>
        {question.usesOwnResult && <p className="quiz-note">This checks against your own stored experiment result.</p>}
        <label htmlFor={`${baseId}-input`}>
          Your answer{question.unit ? ` (${question.unit})` : ""}
        </label>{" "}
        <input
          id={`${baseId}-input`}
          type="number"
          inputMode="decimal"
          step="any"
          value={typeof value === "number" ? value : ""}
          onChange={(event) => onChange(event.target.value === "" || Number.isNaN(event.target.valueAsNumber) ? undefined : event.target.valueAsNumber)}
        />
      </fieldset>
    );
  }
  const multiple = question.type === "multiple";
  const selected = multiple ? (Array.isArray(value) ? value : []) : typeof value === "string" ? [value] : [];
  return (
    <fieldset className="quiz-question">
      <legend>
        {index + 1}. {question.prompt}
        {multiple && <span className="quiz-hint"> (select all that apply)</span>}
      </legend>
      {question.choices.map((choice) => (
        <div key={choice.id} className="quiz-choice">
          <input
            id={`${baseId}-${choice.id}`}
            type={multiple ? "checkbox" : "radio"}
            name={baseId}
            value={choice.id}
            checked={selected.includes(choice.id)}
            onChange={(event) => {
              if (!multiple) onChange(choice.id);
              else onChange(event.target.checked ? [...selected, choice.id] : selected.filter((id) => id !== choice.id));
            }}
          />
          <label htmlFor={`${baseId}-${choice.id}`}>{choice.text}</label>
        </div>
      ))}
    </fieldset>
  );
}

function Feedback({
  quiz,
  shown,
  headingRef,
  onRetry,
  onClose,
}: {
  quiz: PublicQuiz;
  shown: Shown;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  onRetry?: () => void;
  onClose?: () => void;
}) {
  const { result, justSubmitted } = shown;
  const prompts = new Map(quiz.questions.map((q) => [q.id, q.prompt]));
  return (
    <div className="quiz-feedback" data-testid="quiz-feedback">
      <h4 tabIndex={-1} ref={headingRef} data-testid="quiz-score">
        {justSubmitted ? "You scored" : `Attempt ${result.attemptNumber}: you scored`} {formatScore(result.score)} out of {result.maxScore}
      </h4>
      <ol>
        {orderResults(result).map((r) => (
          <li key={r.questionId} className={r.correct ? "right" : "wrong"}>
            <p>
              <strong>{r.correct ? "Right" : r.score > 0 ? "Partly right" : "Not right"}:</strong> {prompts.get(r.questionId) ?? "A question since removed from this quiz."}
            </p>
            {r.choices ? (
              <ul>
                {r.choices.map((choice) => (
                  <li key={choice.id} data-testid={`feedback-${r.questionId}-${choice.id}`}>
                    {choice.selected ? "You chose: " : ""}
                    <strong>{choice.text}</strong> — {choice.correct ? "correct" : "incorrect"}. {choice.explanation}
                  </li>
                ))}
              </ul>
            ) : (
              <p>
                You answered {r.given ?? "nothing"}
                {r.expected !== null && r.expected !== undefined ? `; expected ${r.expected} ± ${toleranceText(r)}` : ""}. {r.explanation}
              </p>
            )}
          </li>
        ))}
      </ol>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
      {onClose && (
        <button type="button" onClick={onClose}>
          Back to the questions
        </button>
      )}
    </div>
  );
}

/** Feedback lists choices in the order the learner saw them (the stored seed). */
function orderResults(result: AttemptResult): QuestionResult[] {
  return result.results.map((r) => (r.choices ? { ...r, choices: shuffled(r.choices, result.seed, r.questionId) } : r));
}
