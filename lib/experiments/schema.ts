import { z } from "zod";

/**
 * What an experiment component stores (POST /api/experiment-results).
 * Browser-safe so the components build bodies the server will accept.
 */
import { STORED_LANES } from "@/lib/lanes";
import { figuresSchema } from "./figures";

export { STORED_LANES, type StoredLane } from "@/lib/lanes";

export const EXPERIMENT_KINDS = ["latency", "batch-sweep", "serving", "quantization", "roofline", "cost", "threads", "timing-pitfalls", "device-selection", "hybrid-router"] as const;
export type ExperimentKind = (typeof EXPERIMENT_KINDS)[number];

/** Pages outside the lessons whose experiments store results too: the slug they store under, and their path. */
export const LAB_PAGES: Readonly<Record<string, string>> = { "lab-your-model": "/lab/your-model" };

/** The slug a page's results are stored under: its lesson's, a lab page's, or "unknown". */
export function resultSlugOf(pathname: string | null): string {
  const lesson = /^\/lessons\/([^/]+)/.exec(pathname ?? "")?.[1];
  if (lesson) return lesson;
  return Object.entries(LAB_PAGES).find(([, path]) => path === pathname)?.[0] ?? "unknown";
}

/** Whole request bodies beyond this are refused with 413 before parsing. */
export const MAX_RESULT_BODY_BYTES = 512 * 1024;
export const MAX_RUNS_PER_SAVE = 12;

const finite = z.number().refine(Number.isFinite, "must be a finite number");

export const laneRunSchema = z
  .object({
    lane: z.enum(STORED_LANES),
    modelId: z.string().min(1).max(100),
    device: z.string().max(300).nullable(),
    software: z.boolean(),
    threads: z.number().int().min(1).max(1024).nullable(),
    batchSize: z.number().int().min(1).max(100_000).nullable(),
    p50Ms: finite.nonnegative().nullable(),
    throughput: finite.nonnegative().nullable(),
    environment: z.record(z.string(), z.unknown()),
    results: z.record(z.string(), z.unknown()),
    benchmarkRunId: z.string().max(64).nullable(),
    /** Figures for quizzes, by the names in ./figures; on server lanes the server derives its own instead. */
    figures: figuresSchema.optional(),
  })
  .strict();

export const saveResultsSchema = z
  .object({
    lessonSlug: z.string().min(1).max(100),
    experiment: z.enum(EXPERIMENT_KINDS),
    runs: z.array(laneRunSchema).min(1, "runs must hold at least one lane's result").max(MAX_RUNS_PER_SAVE),
  })
  .strict();

export type LaneRunRecord = z.infer<typeof laneRunSchema>;
export type SaveResultsBody = z.infer<typeof saveResultsSchema>;

export interface StoredResult extends LaneRunRecord {
  id: string;
  createdAt: string;
  lessonSlug: string;
  experiment: ExperimentKind;
  /** Ids saved together with this one (one per lane of the same run), this one included. */
  group: string[];
}
