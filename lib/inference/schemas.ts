import { z } from "zod";
import { SERVER_LANE_IDS } from "@/lib/lanes";

/**
 * Request bodies of the inference API. Browser-safe so client code can build
 * and pre-check requests with the same rules the server enforces.
 */

/** Benchmarks may not ask for more than this; the job's hard cap (BENCHMARK_TIME_CAP_MS) also applies. */
export const LIMITS = {
  maxDurationMs: 120_000,
  maxRuns: 1_000_000,
  maxConcurrency: 256,
  maxRate: 100_000,
  maxBatcherQueue: 10_000,
  maxQueueDelayMs: 1000,
  maxSweepPoints: 10,
  maxColdStartRuns: 100,
} as const;

const laneField = z.string().min(1, "lane is required");
const modelField = z.string().min(1, "model is required");
const threadsField = z.number().int().min(1).optional();
/** Poisson arrivals per second; past LIMITS.maxRate no sender here keeps the schedule. */
const rateField = z.number().positive().max(LIMITS.maxRate);

const tensorJson = z.object({
  dtype: z.string().optional(),
  shape: z.array(z.number().int().nonnegative()).min(0),
  data: z.array(z.union([z.number(), z.string(), z.boolean()])),
});

export const inferRequestSchema = z
  .object({
    model: modelField,
    lane: laneField.default("cpu"),
    threads: threadsField,
    /** Without `inputs`, the server generates seeded input of the model's shape with this batch. */
    batch: z.number().int().min(1).default(1),
    seed: z.number().int().nonnegative().default(1),
    inputs: z.record(z.string(), tensorJson).optional(),
    outputs: z.array(z.string().min(1)).optional(),
    /** False: timing only, no output data (large outputs are slow to serialise). */
    includeOutputs: z.boolean().default(true),
  })
  .strict();

export type InferRequest = z.infer<typeof inferRequestSchema>;

const measureFields = {
  warmupRuns: z.number().int().min(0).max(10_000).default(10),
  minRuns: z.number().int().min(1).max(LIMITS.maxRuns).default(100),
  minDurationMs: z.number().min(0).max(LIMITS.maxDurationMs).default(1000),
  maxRuns: z.number().int().min(1).max(LIMITS.maxRuns).default(100_000),
  maxDurationMs: z.number().min(1).max(LIMITS.maxDurationMs).default(20_000),
};

const batchingSchema = z.object({
  maxBatchSize: z.number().int().min(1).max(1024),
  maxQueueDelayMs: z.number().min(0).max(LIMITS.maxQueueDelayMs),
  maxQueueSize: z.number().int().min(1).max(LIMITS.maxBatcherQueue).default(1024),
});

export const scenarioSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("single-stream"), batch: z.number().int().min(1).default(1), ...measureFields }).strict(),
  z
    .object({
      kind: z.literal("offline"),
      maxBatch: z.number().int().min(1).max(4096).default(64),
      ...measureFields,
      minRuns: measureFields.minRuns.default(20),
      minDurationMs: measureFields.minDurationMs.default(300),
      maxDurationMs: measureFields.maxDurationMs.default(5000),
    })
    .strict(),
  z
    .object({
      kind: z.literal("server"),
      load: z.discriminatedUnion("mode", [
        z.object({ mode: z.literal("poisson"), rate: z.union([rateField, z.array(rateField).min(1).max(LIMITS.maxSweepPoints)]) }).strict(),
        z
          .object({
            mode: z.literal("concurrency"),
            concurrency: z.union([
              z.number().int().min(1).max(LIMITS.maxConcurrency),
              z.array(z.number().int().min(1).max(LIMITS.maxConcurrency)).min(1).max(LIMITS.maxSweepPoints),
            ]),
          })
          .strict(),
      ]),
      batching: batchingSchema.nullable().default(null),
      warmupRequests: z.number().int().min(0).max(10_000).default(20),
      minRequests: z.number().int().min(1).max(LIMITS.maxRuns).default(200),
      minDurationMs: z.number().min(0).max(LIMITS.maxDurationMs).default(2000),
      maxRequests: z.number().int().min(1).max(LIMITS.maxRuns).default(1_000_000),
      maxDurationMs: z.number().min(1).max(LIMITS.maxDurationMs).default(20_000),
    })
    .strict()
    .superRefine((s, ctx) => {
      // A rate that expects no arrival before the run is cut off measures nothing.
      if (s.load.mode !== "poisson") return;
      for (const rate of [s.load.rate].flat()) {
        if ((rate * s.maxDurationMs) / 1000 < 1) ctx.addIssue({ code: "custom", path: ["load", "rate"], message: `${rate} requests/s expects no arrival within maxDurationMs (${s.maxDurationMs} ms)` });
      }
    }),
]);

export const benchmarkRequestSchema = z
  .object({
    model: modelField,
    lane: laneField,
    threads: threadsField,
    scenario: scenarioSchema,
    /** Measure a cold start first: a new session for this job alone (see cold-start.server.ts), released after. */
    coldStart: z
      .object({ runs: z.number().int().min(1).max(LIMITS.maxColdStartRuns).default(10) })
      .strict()
      .optional(),
  })
  .strict();

export type BenchmarkRequest = z.infer<typeof benchmarkRequestSchema>;

/** GET /api/benchmarks: stored runs, filtered by model and lane. */
export const recentBenchmarksQuerySchema = z
  .object({
    model: z.string().min(1).optional(),
    lane: z.enum(SERVER_LANE_IDS).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** POST /api/ceilings: measure (or return the cached) roofline ceilings of one server lane. */
export const ceilingsRequestSchema = z
  .object({
    lane: laneField,
    threads: threadsField,
    /** True: measure again even when this lane, device and thread count have a cached result. */
    remeasure: z.boolean().default(false),
  })
  .strict();

export type CeilingsRequest = z.infer<typeof ceilingsRequestSchema>;

export const modelMemoryQuerySchema = z.object({ model: modelField }).strict();
