import { describe, expect, it } from "vitest";
import { allQuizzes, publicLessonQuizzes } from "@/lib/quiz/loader.server";

describe("the lessons' own quizzes", () => {
  it("validate, and every lesson quiz has 3–5 questions whose choices all explain themselves", () => {
    const quizzes = allQuizzes();
    expect([...quizzes.keys()].sort()).toEqual(["cpu-or-gpu", "latency-is-a-distribution"]);
    for (const { quiz } of quizzes.values()) {
      expect(quiz.questions.length).toBeGreaterThanOrEqual(3);
      expect(quiz.questions.length).toBeLessThanOrEqual(5);
      expect(new Set(quiz.questions.map((q) => q.type)).size).toBe(3);
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
