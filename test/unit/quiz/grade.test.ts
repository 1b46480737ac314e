import { describe, expect, it } from "vitest";
import { gradeQuiz, multipleChoiceScore, SubmissionError, withinTolerance } from "@/lib/quiz/grade";
import { quizFileSchema, toPublicQuiz, type ChoiceQuestion, type QuizFile } from "@/lib/quiz/schema";
import { shuffled } from "@/lib/quiz/shuffle";

const choice = (id: string, correct: boolean) => ({ id, text: `choice ${id}`, correct, explanation: `because ${id}` });

const quiz: QuizFile = quizFileSchema.parse({
  id: "fixture",
  title: "Fixture quiz",
  questions: [
    { id: "one", type: "single", prompt: "Pick b please", choices: [choice("a", false), choice("b", true), choice("c", false)] },
    { id: "many", type: "multiple", prompt: "Pick a and c", choices: [choice("a", true), choice("b", false), choice("c", true), choice("d", false)] },
    { id: "abs", type: "numeric", prompt: "About ten?", answer: 10, tolerance: 0.5, explanation: "ten it is" },
    { id: "rel", type: "numeric", prompt: "About 200?", answer: 200, tolerance: 0.05, toleranceType: "relative", explanation: "5% of 200 is 10" },
    { id: "own", type: "numeric", prompt: "Your best batch size?", fromResult: "best-batch-size", tolerance: 0, explanation: "from your run" },
  ],
});

describe("multiple choice partial credit", () => {
  const q = quiz.questions[1] as ChoiceQuestion;
  it.each([
    [["a", "c"], 1],
    [["a"], 0.5],
    [["a", "b"], 0],
    [["a", "c", "b"], 0.5],
    [["a", "b", "c", "d"], 0],
    [["b", "d"], 0],
    [[], 0],
    [["a", "a"], 0.5],
  ])("%j scores %d", (selected, expected) => {
    expect(multipleChoiceScore(q, selected)).toBe(expected);
  });
});

describe("numeric tolerance", () => {
  it("accepts the edges of an absolute tolerance and rejects beyond", () => {
    expect(withinTolerance(10.5, 10, 0.5, "absolute")).toBe(true);
    expect(withinTolerance(9.5, 10, 0.5, "absolute")).toBe(true);
    expect(withinTolerance(10.51, 10, 0.5, "absolute")).toBe(false);
    expect(withinTolerance(0.1 + 0.2, 0.3, 0, "absolute")).toBe(true);
  });
  it("scales a relative tolerance with the expected value", () => {
    expect(withinTolerance(210, 200, 0.05, "relative")).toBe(true);
    expect(withinTolerance(210.5, 200, 0.05, "relative")).toBe(false);
    expect(withinTolerance(-190, -200, 0.05, "relative")).toBe(true);
  });
});

describe("gradeQuiz", () => {
  it("adds question scores, counts unanswered as zero and explains every choice", () => {
    const graded = gradeQuiz(quiz, { one: "b", many: ["a"], abs: 10.4, rel: 250 }, { own: 32 });
    expect(graded.score).toBe(2.5);
    expect(graded.maxScore).toBe(5);
    const [one, many, abs, rel, own] = graded.results;
    expect(one).toMatchObject({ score: 1, correct: true });
    expect(one!.choices!.map((c) => [c.id, c.correct, c.selected])).toEqual([["a", false, false], ["b", true, true], ["c", false, false]]);
    expect(one!.choices!.every((c) => c.explanation.startsWith("because"))).toBe(true);
    expect(many).toMatchObject({ score: 0.5, correct: false });
    expect(abs).toMatchObject({ score: 1, given: 10.4, expected: 10 });
    expect(rel).toMatchObject({ score: 0, expected: 200, tolerance: 0.05, toleranceType: "relative" });
    expect(own).toMatchObject({ score: 0, given: null, expected: 32 });
  });

  it("checks a numeric answer against the learner's own result, and says so when there is none", () => {
    expect(gradeQuiz(quiz, { own: 32 }, { own: 32 }).results[4]).toMatchObject({ correct: true });
    const none = gradeQuiz(quiz, { own: 32 }, { own: null }).results[4]!;
    expect(none).toMatchObject({ correct: false, expected: null });
    expect(none.explanation).toMatch(/No stored experiment result/);
  });

  it.each([
    [{ nope: "a" }, /unknown question id "nope"/],
    [{ one: ["b"] }, /one: expected one choice id/],
    [{ one: "z" }, /one: unknown choice id "z"/],
    [{ many: "a" }, /many: expected a list/],
    [{ abs: "10" }, /abs: expected a number/],
  ])("refuses %j", (answers, message) => {
    expect(() => gradeQuiz(quiz, answers as never)).toThrow(SubmissionError);
    expect(() => gradeQuiz(quiz, answers as never)).toThrow(message);
  });
});

describe("quiz files", () => {
  it("refuses a choice without an explanation, two right answers to a single choice and a numeric without a key", () => {
    const bad = quizFileSchema.safeParse({
      id: "bad",
      title: "Bad quiz",
      questions: [
        { id: "a", type: "single", prompt: "Which one?", choices: [choice("x", true), choice("y", true)] },
        { id: "b", type: "multiple", prompt: "Which ones?", choices: [{ id: "x", text: "x", correct: true }, choice("y", false)] },
        { id: "c", type: "numeric", prompt: "How many?", tolerance: 1, explanation: "because" },
      ],
    });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");
    expect(messages).toMatch(/exactly one correct choice/);
    expect(messages).toMatch(/questions\.1\.choices\.0\.explanation/);
    expect(messages).toMatch(/exactly one of answer or fromResult/);
    const duplicate = quizFileSchema.safeParse({
      id: "dup",
      title: "Duplicate ids",
      questions: [
        { id: "c", type: "numeric", prompt: "How many?", answer: 1, tolerance: 1, explanation: "because" },
        { id: "c", type: "numeric", prompt: "How many?", answer: 1, tolerance: 1, explanation: "because" },
      ],
    });
    expect(duplicate.error?.issues.map((i) => i.message)).toEqual(["duplicate question id c"]);
  });

  it("builds a public copy that carries no key, explanation or expected value", () => {
    const text = JSON.stringify(toPublicQuiz(quiz, "fixture-lesson"));
    expect(text).not.toMatch(/correct|explanation|because|"answer"|tolerance|best-batch-size|ten it is/);
    expect(text).toContain('"usesOwnResult":true');
  });
});

describe("shuffle with a stored seed", () => {
  const items = ["a", "b", "c", "d", "e", "f"];
  it("is a permutation, reproducible from the seed, and differs between seeds", () => {
    const first = shuffled(items, 1234, "q1");
    expect([...first].sort()).toEqual(items);
    expect(shuffled(items, 1234, "q1")).toEqual(first);
    const orders = new Set(Array.from({ length: 20 }, (_, seed) => shuffled(items, seed, "q1").join("")));
    expect(orders.size).toBeGreaterThan(10);
  });
});
