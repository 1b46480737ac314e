import { z } from "zod";
import { resultRefSchema } from "./result-ref";
import { MAX_SEED } from "./shuffle";

/**
 * The shape of `content/lessons/<slug>/quiz.json`. Answer keys and explanations
 * live only here and in server code; the browser gets `PublicQuiz` (below).
 */
const id = z.string().regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, "must be lowercase letters, digits, - or _");

const choiceSchema = z.object({
  id,
  text: z.string().min(1),
  correct: z.boolean(),
  explanation: z.string().min(5, "every choice needs an explanation"),
});

const base = { id, prompt: z.string().min(5) };

const singleSchema = z.object({ ...base, type: z.literal("single"), choices: z.array(choiceSchema).min(2) }).refine(
  (q) => q.choices.filter((c) => c.correct).length === 1,
  { message: "a single-choice question needs exactly one correct choice" },
);

const multipleSchema = z.object({ ...base, type: z.literal("multiple"), choices: z.array(choiceSchema).min(2) }).refine(
  (q) => q.choices.some((c) => c.correct),
  { message: "a multiple-choice question needs at least one correct choice" },
);

const numericSchema = z
  .object({
    ...base,
    type: z.literal("numeric"),
    unit: z.string().optional(),
    /** A fixed expected value… */
    answer: z.number().finite().optional(),
    /**
     * …or the learner's own stored experiment result: a resolver's name, or one
     * figure scoped by experiment, model and lane (lib/quiz/result-ref.ts).
     */
    fromResult: z.union([id, resultRefSchema]).optional(),
    tolerance: z.number().nonnegative(),
    toleranceType: z.enum(["absolute", "relative"]).default("absolute"),
    explanation: z.string().min(5),
  })
  .refine((q) => (q.answer === undefined) !== (q.fromResult === undefined), {
    message: "a numeric question needs exactly one of answer or fromResult",
  });

// Discriminated on `type`, so a broken question reports its own field paths, not "Invalid input".
export const questionSchema = z.discriminatedUnion("type", [singleSchema, multipleSchema, numericSchema]);

export const quizFileSchema = z
  .object({
    id,
    title: z.string().min(3),
    maxAttempts: z.number().int().positive().optional(),
    questions: z.array(questionSchema).min(1),
  })
  .superRefine((quiz, ctx) => {
    const seen = new Set<string>();
    quiz.questions.forEach((question, index) => {
      if (seen.has(question.id)) ctx.addIssue({ code: "custom", path: ["questions", index, "id"], message: `duplicate question id ${question.id}` });
      seen.add(question.id);
      if (question.type !== "numeric") {
        const choiceIds = new Set(question.choices.map((c) => c.id));
        if (choiceIds.size !== question.choices.length) {
          ctx.addIssue({ code: "custom", path: ["questions", index, "choices"], message: "duplicate choice id" });
        }
      }
    });
  });

export type QuizFile = z.infer<typeof quizFileSchema>;
export type Question = z.infer<typeof questionSchema>;
export type ChoiceQuestion = Extract<Question, { type: "single" | "multiple" }>;
export type NumericQuestion = Extract<Question, { type: "numeric" }>;

/** What the browser may see before submitting: no `correct`, no explanations, no expected values. */
export type PublicQuestion =
  | { id: string; type: "single" | "multiple"; prompt: string; choices: { id: string; text: string }[] }
  | { id: string; type: "numeric"; prompt: string; unit?: string; usesOwnResult: boolean };

export interface PublicQuiz {
  id: string;
  lessonSlug: string;
  title: string;
  maxAttempts: number | null;
  questions: PublicQuestion[];
}

/** Built field by field (never by spreading) so a new secret field can't leak by accident. */
export function toPublicQuiz(quiz: QuizFile, lessonSlug: string): PublicQuiz {
  return {
    id: quiz.id,
    lessonSlug,
    title: quiz.title,
    maxAttempts: quiz.maxAttempts ?? null,
    questions: quiz.questions.map((q): PublicQuestion =>
      q.type === "numeric"
        ? { id: q.id, type: "numeric", prompt: q.prompt, ...(q.unit ? { unit: q.unit } : {}), usesOwnResult: q.fromResult !== undefined }
        : { id: q.id, type: q.type, prompt: q.prompt, choices: q.choices.map((c) => ({ id: c.id, text: c.text })) },
    ),
  };
}

export type AnswerValue = string | string[] | number;

/** A submission as the API accepts it. Sizes are capped so a body can't make the server work hard. */
export const submissionSchema = z
  .object({
    seed: z.number().int().min(0).max(MAX_SEED),
    startedAt: z.iso.datetime().optional(),
    answers: z.record(z.string().max(64), z.union([z.string().max(64), z.array(z.string().max(64)).max(32), z.number().finite()])),
  })
  .strict();

export type Submission = z.infer<typeof submissionSchema>;

/** Per-question feedback, only ever sent after the attempt is stored. */
export interface QuestionResult {
  questionId: string;
  type: Question["type"];
  score: number;
  correct: boolean;
  /** Choice questions: every choice with whether it is right and why. */
  choices?: { id: string; text: string; correct: boolean; selected: boolean; explanation: string }[];
  /** Numeric questions. */
  given?: number | null;
  expected?: number | null;
  tolerance?: number;
  toleranceType?: "absolute" | "relative";
  explanation?: string;
}

export interface AttemptResult {
  attemptId: string;
  attemptNumber: number;
  quizId: string;
  lessonSlug: string;
  score: number;
  maxScore: number;
  submittedAt: string;
  attemptsLeft: number | null;
  seed: number;
  results: QuestionResult[];
}
