import { z } from "zod";
import { FIGURE_NAMES, FIGURES } from "@/lib/experiments/figures";
import { EXPERIMENT_KINDS } from "@/lib/experiments/schema";
import { STORED_LANES } from "@/lib/lanes";
import { getModel } from "@/lib/models/registry";

/**
 * A numeric question's pointer at one figure of the learner's own latest stored
 * result, scoped by experiment, model and lane (quiz.json `fromResult` as an object):
 * `{ "figure": "kneeBatch", "experiment": "batch-sweep", "model": "mlp-wide", "lane": "server-cpu" }`.
 * `rate` picks the arrival rate of `p99MsAtRate`, and only it.
 */
export const resultRefSchema = z
  .object({
    figure: z.enum(FIGURE_NAMES),
    experiment: z.enum(EXPERIMENT_KINDS),
    model: z.string().refine((id) => getModel(id) !== undefined, "not a model of the registry (lib/models/registry.ts)"),
    lane: z.enum(STORED_LANES),
    rate: z.number().positive().max(100_000).optional(),
  })
  .strict()
  .superRefine((ref, ctx) => {
    if (ref.figure === "p99MsAtRate" && ref.rate === undefined) ctx.addIssue({ code: "custom", path: ["rate"], message: "p99MsAtRate needs the arrival rate (requests/s) it was measured at" });
    if (ref.figure !== "p99MsAtRate" && ref.rate !== undefined) ctx.addIssue({ code: "custom", path: ["rate"], message: `${ref.figure} is not measured per rate` });
  });

export type ResultRef = z.infer<typeof resultRefSchema>;

/** What the figure is, in words, for feedback. */
export function describeRef(ref: ResultRef): string {
  return `${FIGURES[ref.figure].meaning}${ref.rate !== undefined ? ` at ${ref.rate} requests/s` : ""}`;
}
