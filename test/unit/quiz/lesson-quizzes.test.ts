import { describe, expect, it } from "vitest";
import { allQuizzes, publicLessonQuizzes } from "@/lib/quiz/loader.server";
import { RESULT_RESOLVER_NAMES } from "@/lib/quiz/resolvers.server";

/** Quizzes of the curriculum's rewritten lessons (issue 15): at least six questions, two on the learner's own results. */
const CURRICULUM_QUIZZES = ["latency-vs-throughput", "batching"];

describe("the lessons' own quizzes", () => {
  it("validate, and every lesson quiz has at least 3 questions of all three types whose choices all explain themselves", () => {
    const quizzes = allQuizzes();
    expect([...quizzes.keys()]).toEqual(expect.arrayContaining(["cpu-or-gpu", "latency-is-a-distribution", ...CURRICULUM_QUIZZES]));
    for (const { quiz } of quizzes.values()) {
      expect(quiz.questions.length).toBeGreaterThanOrEqual(3);
      expect(new Set(quiz.questions.map((q) => q.type)).size).toBe(3);
    }
  });

  it("check the learner's own results only through registered resolvers", () => {
    for (const [id, { quiz }] of allQuizzes()) {
      for (const question of quiz.questions) {
        if (question.type === "numeric" && typeof question.fromResult === "string") expect(RESULT_RESOLVER_NAMES, `${id}/${question.id}`).toContain(question.fromResult);
      }
    }
  });

  it("give each curriculum lesson at least six questions, two of them checked against the learner's own results", () => {
    const quizzes = allQuizzes();
    for (const id of CURRICULUM_QUIZZES) {
      const quiz = quizzes.get(id)?.quiz;
      expect(quiz, id).toBeDefined();
      expect(quiz!.questions.length, id).toBeGreaterThanOrEqual(6);
      expect(quiz!.questions.filter((q) => q.type === "numeric" && q.fromResult !== undefined).length, id).toBeGreaterThanOrEqual(2);
      for (const question of quiz!.questions) {
        const explanations = question.type === "numeric" ? [question.explanation] : question.choices.map((c) => c.explanation);
        for (const text of explanations) expect(text.length, `${id}/${question.id}`).toBeGreaterThan(40);
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
