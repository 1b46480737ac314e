import { z } from "zod";

/**
 * The figures a stored experiment result may carry for quizzes and reports,
 * named once. A lane record sends them as `figures` (POST /api/experiment-results);
 * quiz resolvers (lib/quiz/result-figures.server.ts) read them by these names,
 * so an experiment that stores a figure under any other name is invisible to
 * every question. Browser-safe: the components build records with these names.
 *
 * On server lanes the server, not the request, decides the figures (a learner
 * could otherwise post any number and have a graded question agree): the save
 * path derives them from the cited benchmark run. Browser lanes' figures are
 * self-reported and stored with `verified: false`.
 */
export const FIGURES = {
  p50Ms: { unit: "ms", meaning: "median latency of one call in steady state (after warm-up)" },
  p99Ms: { unit: "ms", meaning: "99th-percentile latency in steady state" },
  throughput: { unit: "items/s", meaning: "items per second sustained over the measured loop" },
  bestBatch: { unit: "items", meaning: "batch size with the highest throughput in a batch sweep" },
  kneeBatch: { unit: "items", meaning: "batch size at the knee of a batch sweep: past it, more batch buys little throughput and costs latency" },
  coldStartMs: { unit: "ms", meaning: "session creation plus the first run of a new session" },
  coldSteadyRatio: { unit: "×", meaning: "first run of a new session ÷ steady-state median" },
  int8Speedup: { unit: "×", meaning: "fp32 median latency ÷ int8 median latency, same lane, same batch" },
  int8Quality: { unit: "fraction", meaning: "int8 variant's accuracy (or agreement with fp32) measured in the run on held-out data" },
  p99MsAtRate: { unit: "ms", meaning: "99th-percentile latency under open-loop Poisson arrivals, per target rate (requests/s)" },
  costPerMillion: { unit: "$", meaning: "dollars per million inferences at the measured throughput and the assumed price" },
} as const;

export type FigureName = keyof typeof FIGURES;
export const FIGURE_NAMES = Object.keys(FIGURES) as FigureName[];

/** Figures keyed by one parameter (p99 per arrival rate), all others plain numbers. */
export const KEYED_FIGURES = ["p99MsAtRate"] as const satisfies readonly FigureName[];
type KeyedFigure = (typeof KEYED_FIGURES)[number];
type ScalarFigure = Exclude<FigureName, KeyedFigure>;

const figure = z.number().refine(Number.isFinite, "must be a finite number").nonnegative();

/** The key of a keyed figure: a positive decimal number as written by `String(rate)` (e.g. "50", "12.5"). */
export const figureKey = (value: number) => String(value);
const keyPattern = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

export const figuresSchema = z
  .object({
    ...(Object.fromEntries(FIGURE_NAMES.filter((n) => !(KEYED_FIGURES as readonly string[]).includes(n)).map((n) => [n, figure.optional()])) as Record<ScalarFigure, z.ZodOptional<typeof figure>>),
    p99MsAtRate: z
      .record(z.string().regex(keyPattern, "keys are target rates in requests/s, e.g. \"50\""), figure)
      .refine((r) => Object.keys(r).length <= 32, "at most 32 rates")
      .optional(),
  })
  .strict();

export type Figures = z.infer<typeof figuresSchema>;

/** Dollars per million inferences at a sustained throughput and an hourly price: the one formula the cost figure uses. */
export function dollarsPerMillion(itemsPerSecond: number, dollarsPerHour: number): number | null {
  if (!(itemsPerSecond > 0) || !(dollarsPerHour >= 0)) return null;
  return (dollarsPerHour / (itemsPerSecond * 3600)) * 1e6;
}
