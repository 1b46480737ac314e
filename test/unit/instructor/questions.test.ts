import { describe, expect, it } from "vitest";
import { gradeQuiz } from "@/lib/quiz/grade";
import { quizFileSchema } from "@/lib/quiz/schema";
import { quizStatistics, selectAttempts, type StoredAttempt } from "@/lib/instructor/questions";

const quiz = quizFileSchema.parse({
  id: "demo",
  title: "Demo quiz",
  questions: [
    {
      id: "one", type: "single", prompt: "Pick the right one",
      choices: [
        { id: "a", text: "A", correct: true, explanation: "because A" },
        { id: "b", text: "B", correct: false, explanation: "not B" },
        { id: "c", text: "C", correct: false, explanation: "not C" },
      ],
    },
    {
      id: "many", type: "multiple", prompt: "Pick all right ones",
      choices: [
        { id: "x", text: "X", correct: true, explanation: "yes X" },
        { id: "y", text: "Y", correct: true, explanation: "yes Y" },
        { id: "z", text: "Z", correct: false, explanation: "not Z" },
      ],
    },
    { id: "num", type: "numeric", prompt: "How many?", answer: 10, tolerance: 0.5, explanation: "ten it is" },
  ],
});

function attempt(userId: string, attemptNumber: number, answers: Record<string, string | string[] | number>): StoredAttempt {
  return { userId, attemptNumber, answers: JSON.stringify(answers), results: JSON.stringify(gradeQuiz(quiz, answers).results) };
}

const attempts = [
  attempt("u1", 1, { one: "b", many: ["x"], num: 20 }),
  attempt("u1", 2, { one: "a", many: ["x", "y"], num: 10.2 }),
  attempt("u2", 1, { one: "a", many: ["x", "z"], num: 20 }),
  attempt("u3", 1, { many: [] }),
];

describe("quizStatistics", () => {
  it("counts percent correct, mean score and every choice over all attempts", () => {
    const stats = quizStatistics({ lessonSlug: "l", quiz }, attempts, "all");
    expect(stats.attempts).toBe(4);
    expect(stats.learners).toBe(3);
    const one = stats.questions.find((q) => q.questionId === "one")!;
    expect(one).toMatchObject({ attempts: 4, correct: 2, percentCorrect: 0.5, unanswered: 1, meanScore: 0.5 });
    expect(one.choices!.map((c) => [c.id, c.count, c.share])).toEqual([["a", 2, 0.5], ["b", 1, 0.25], ["c", 0, 0]]);
    const many = stats.questions.find((q) => q.questionId === "many")!;
    // Partial credit: x alone 0.5, x+y 1, x+z 0, none 0.
    expect(many.correct).toBe(1);
    expect(many.meanScore).toBeCloseTo(1.5 / 4, 12);
    expect(many.unanswered).toBe(1);
    expect(many.choices!.map((c) => c.count)).toEqual([3, 1, 1]);
    const num = stats.questions.find((q) => q.questionId === "num")!;
    expect(num.commonAnswers).toEqual([{ value: 20, count: 2, correct: false }, { value: 10.2, count: 1, correct: true }]);
    expect(num.expected).toBe(10);
    // Lowest percent correct first; ties broken by mean score.
    expect(stats.mostMissed).toEqual(["num", "many", "one"]); // many and num tie at 25%; num has the lower mean score
  });

  it("counts only first or latest attempts when asked", () => {
    expect(selectAttempts(attempts, "first").map((a) => `${a.userId}#${a.attemptNumber}`).sort()).toEqual(["u1#1", "u2#1", "u3#1"]);
    expect(selectAttempts(attempts, "latest").map((a) => `${a.userId}#${a.attemptNumber}`).sort()).toEqual(["u1#2", "u2#1", "u3#1"]);
    const first = quizStatistics({ lessonSlug: "l", quiz }, attempts, "first");
    expect(first.questions.find((q) => q.questionId === "one")!.correct).toBe(1);
    const latest = quizStatistics({ lessonSlug: "l", quiz }, attempts, "latest");
    expect(latest.questions.find((q) => q.questionId === "one")!.correct).toBe(2);
  });

  it("has no percentages without attempts, and ignores answers to removed questions", () => {
    const empty = quizStatistics({ lessonSlug: "l", quiz }, [], "all");
    expect(empty.questions.every((q) => q.percentCorrect === null && q.meanScore === null)).toBe(true);
    expect(empty.mostMissed).toEqual([]);
    const stale = { userId: "u9", attemptNumber: 1, answers: JSON.stringify({ gone: "a", one: "a" }), results: JSON.stringify([{ questionId: "gone", correct: true, score: 1 }, { questionId: "one", correct: true, score: 1 }]) };
    const stats = quizStatistics({ lessonSlug: "l", quiz }, [stale], "all");
    expect(stats.questions.map((q) => q.questionId)).toEqual(["one", "many", "num"]);
    expect(stats.questions[0]!.correct).toBe(1);
  });
});
