import { describe, expect, it } from "vitest";
import { gradeQuiz } from "@/lib/quiz/grade";
import { resultRefSchema } from "@/lib/quiz/result-ref";
import { quizFileSchema } from "@/lib/quiz/schema";

const issues = (input: unknown) => {
  const parsed = resultRefSchema.safeParse(input);
  expect(parsed.success).toBe(false);
  return parsed.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
};

describe("fromResult scoped to a figure, experiment, model and lane", () => {
  const good = { figure: "kneeBatch", experiment: "batch-sweep", model: "mlp-wide", lane: "server-cpu" };

  it("accepts the registry's models, stored lanes and figure names", () => {
    expect(resultRefSchema.parse(good)).toEqual(good);
    expect(resultRefSchema.parse({ ...good, figure: "p99MsAtRate", experiment: "serving", rate: 200 }).rate).toBe(200);
  });

  it("names the field it refuses", () => {
    expect(issues({ ...good, model: "gpt-5" })).toMatch(/^model: not a model of the registry/);
    expect(issues({ ...good, lane: "server-tpu" })).toMatch(/^lane:/);
    expect(issues({ ...good, figure: "knee" })).toMatch(/^figure:/);
    expect(issues({ ...good, experiment: "vibes" })).toMatch(/^experiment:/);
    expect(issues({ ...good, figure: "p99MsAtRate" })).toMatch(/^rate: p99MsAtRate needs the arrival rate/);
    expect(issues({ ...good, rate: 5 })).toMatch(/^rate: kneeBatch is not measured per rate/);
    expect(issues({ ...good, figure: "p99MsAtRate", rate: 0 })).toMatch(/^rate:/);
  });

  it("fits in a quiz file beside resolver names, and the grader says why a figure is missing", () => {
    const quiz = quizFileSchema.parse({
      id: "own",
      title: "Own results",
      questions: [
        { id: "knee", type: "numeric", prompt: "Your knee batch?", fromResult: good, tolerance: 0, explanation: "Read it off your sweep." },
        { id: "best", type: "numeric", prompt: "Your best batch?", fromResult: "best-batch-size-server-cpu", tolerance: 0, explanation: "Read it off your sweep." },
      ],
    });
    const graded = gradeQuiz(quiz, { knee: 8, best: 4 }, { knee: null, best: null }, { knee: "Your latest batch-sweep run has no knee." });
    expect(graded.results[0]!.explanation).toBe("Read it off your sweep. (Your latest batch-sweep run has no knee.)");
    expect(graded.results[1]!.explanation).toMatch(/No stored experiment result to check against yet/);
  });
});
