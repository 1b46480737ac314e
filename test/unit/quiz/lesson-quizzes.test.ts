import { describe, expect, it } from "vitest";
import { allQuizzes, publicLessonQuizzes } from "@/lib/quiz/loader.server";
import { RESULT_RESOLVER_NAMES } from "@/lib/quiz/resolvers.server";

/** Every lesson's quiz is a curriculum quiz (issue 15), held to its rules below. */
const CURRICULUM_QUIZZES = [...allQuizzes().keys()];

describe("the lessons' own quizzes", () => {
  it("validate, one per lesson, including the two lessons rewritten into the curriculum", () => {
    const quizzes = allQuizzes();
    expect([...quizzes.keys()].sort()).toEqual(expect.arrayContaining(["cpu-or-gpu", "latency-is-a-distribution", "latency-vs-throughput", "batching", "quantization", "cost-power-and-tco"]));
  });

  it("check the learner's own results only through registered resolvers", () => {
    for (const [id, { quiz }] of allQuizzes()) {
      for (const question of quiz.questions) {
        if (question.type === "numeric" && typeof question.fromResult === "string") expect(RESULT_RESOLVER_NAMES, `${id}/${question.id}`).toContain(question.fromResult);
      }
    }
  });

  // Issue 15's lessons: at least six questions, at least two checked against the learner's own stored
  // results (each naming a registered resolver), and an explanation for every choice.
  it("give the curriculum's lessons six or more questions, two or more from the learner's own results", () => {
    const quizzes = allQuizzes();
    for (const id of CURRICULUM_QUIZZES) {
      const quiz = quizzes.get(id)?.quiz;
      expect(quiz, id).toBeDefined();
      expect(quiz!.questions.length, id).toBeGreaterThanOrEqual(6);
      const own = quiz!.questions.filter((q) => q.type === "numeric" && q.fromResult);
      expect(own.length, id).toBeGreaterThanOrEqual(2);
      // A named resolver must exist; a figure reference ({ figure, experiment, model, lane }) was validated by the schema.
      for (const q of own) if (q.type === "numeric" && typeof q.fromResult === "string") expect(RESULT_RESOLVER_NAMES, `${id}/${q.id}`).toContain(q.fromResult);
      for (const q of quiz!.questions) {
        if (q.type === "numeric") expect(q.explanation.length, `${id}/${q.id}`).toBeGreaterThan(20);
        else for (const c of q.choices) expect(c.explanation.length, `${id}/${q.id}/${c.id}`).toBeGreaterThan(20);
      }
    }
  });

  it("ship to the page without any explanation text", () => {
    for (const [id, { quiz, lessonSlug }] of allQuizzes()) {
      const text = JSON.stringify(publicLessonQuizzes(lessonSlug));
      for (const question of quiz.questions) {
        const secrets = question.type === "numeric" ? [question.explanation] : question.choices.map((c) => c.explanation);
        for (const secret of secrets) expect(text, `${id}/${question.id}`).not.toContain(secret.slice(0, 40));
      }
    }
  });

  it("don't repeat what the page already says around them", () => {
    for (const [id, { quiz }] of allQuizzes()) {
      // The lessons put each quiz under a "Check yourself" heading, and the form labels multiple-choice questions itself.
      expect(quiz.title, id).not.toMatch(/check yourself/i);
      for (const question of quiz.questions) expect(question.prompt, `${id}/${question.id}`).not.toMatch(/select all that apply/i);
    }
  });
});
