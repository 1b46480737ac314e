import type { AnswerValue, ChoiceQuestion, NumericQuestion, Question, QuestionResult, QuizFile } from "./schema";

/** A bad submission, phrased for the learner; the API turns it into a 400. */
export class SubmissionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SubmissionError";
  }
}

/**
 * Multiple choice partial credit: (right picks − wrong picks) / number of right
 * choices, floored at 0. Ticking everything therefore earns nothing, and one
 * wrong pick cancels one right pick.
 */
export function multipleChoiceScore(question: ChoiceQuestion, selected: readonly string[]): number {
  const correct = new Set(question.choices.filter((c) => c.correct).map((c) => c.id));
  let right = 0;
  let wrong = 0;
  for (const id of new Set(selected)) {
    if (correct.has(id)) right++;
    else wrong++;
  }
  return Math.max(0, (right - wrong) / correct.size);
}

export function withinTolerance(given: number, expected: number, tolerance: number, kind: "absolute" | "relative"): boolean {
  const allowed = kind === "relative" ? Math.abs(expected) * tolerance : tolerance;
  // A hair of slack so 0.1 + 0.2 style rounding never fails a right answer.
  return Math.abs(given - expected) <= allowed + 1e-9 * Math.max(1, Math.abs(expected));
}

function checkChoiceIds(question: ChoiceQuestion, ids: readonly string[]) {
  const known = new Set(question.choices.map((c) => c.id));
  const unknown = ids.find((id) => !known.has(id));
  if (unknown !== undefined) throw new SubmissionError(`question ${question.id}: unknown choice id "${unknown}"`);
}

function gradeChoice(question: ChoiceQuestion, answer: AnswerValue | undefined): QuestionResult {
  let selected: string[];
  if (answer === undefined) selected = [];
  else if (question.type === "single") {
    if (typeof answer !== "string") throw new SubmissionError(`question ${question.id}: expected one choice id (a string)`);
    selected = [answer];
  } else {
    if (!Array.isArray(answer)) throw new SubmissionError(`question ${question.id}: expected a list of choice ids`);
    selected = answer;
  }
  checkChoiceIds(question, selected);
  const score = question.type === "single"
    ? question.choices.find((c) => c.id === selected[0])?.correct ? 1 : 0
    : multipleChoiceScore(question, selected);
  return {
    questionId: question.id,
    type: question.type,
    score,
    correct: score === 1,
    choices: question.choices.map((c) => ({
      id: c.id,
      text: c.text,
      correct: c.correct,
      selected: selected.includes(c.id),
      explanation: c.explanation,
    })),
  };
}

function gradeNumeric(question: NumericQuestion, answer: AnswerValue | undefined, expected: number | null, missingReason?: string): QuestionResult {
  if (answer !== undefined && typeof answer !== "number") throw new SubmissionError(`question ${question.id}: expected a number`);
  const given = answer ?? null;
  const correct = given !== null && expected !== null && withinTolerance(given, expected, question.tolerance, question.toleranceType);
  return {
    questionId: question.id,
    type: "numeric",
    score: correct ? 1 : 0,
    correct,
    given,
    expected,
    tolerance: question.tolerance,
    toleranceType: question.toleranceType,
    explanation:
      expected === null
        ? `${question.explanation} (${missingReason ?? "No stored experiment result to check against yet: run the lesson's experiment while signed in, then try again."})`
        : question.explanation,
  };
}

/**
 * Grades a whole submission. `resolved` holds the expected values of numeric
 * questions that check against the learner's own results (null: none stored),
 * and `reasons` why one is missing, for its feedback.
 * Unanswered questions score 0; unknown question ids and wrong types throw.
 */
export function gradeQuiz(
  quiz: QuizFile,
  answers: Record<string, AnswerValue>,
  resolved: Record<string, number | null> = {},
  reasons: Record<string, string> = {},
): { score: number; maxScore: number; results: QuestionResult[] } {
  const byId = new Map<string, Question>(quiz.questions.map((q) => [q.id, q]));
  const unknown = Object.keys(answers).find((id) => !byId.has(id));
  if (unknown !== undefined) throw new SubmissionError(`unknown question id "${unknown}" in quiz ${quiz.id}`);
  const results = quiz.questions.map((question) =>
    question.type === "numeric"
      ? gradeNumeric(question, answers[question.id], question.answer ?? resolved[question.id] ?? null, reasons[question.id])
      : gradeChoice(question, answers[question.id]),
  );
  const score = Math.round(results.reduce((sum, r) => sum + r.score, 0) * 1000) / 1000;
  return { score, maxScore: quiz.questions.length, results };
}
