import { z } from "zod";
import { SERVER_LANE_IDS } from "@/lib/lanes";
import { HYBRID_LIMITS } from "./hybrid-sim";

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

/** A lane's measured service time per batch size (lib/inference/hybrid-sim.ts). */
export const laneProfileSchema = z
  .object({
    lane: z.string().min(1, "lane is required").max(40),
    modelId: z.string().min(1, "modelId is required").max(100),
    device: z.string().max(300).nullable(),
    software: z.boolean(),
    points: z
      .array(
        z
          .object({
            batch: z.number().int().min(1).max(HYBRID_LIMITS.maxItems),
            meanMs: z.number().positive("must be more than 0 ms").max(60_000),
            p50Ms: z.number().positive().max(60_000).nullable().optional(),
            p99Ms: z.number().positive().max(60_000).nullable().optional(),
            maxMs: z.number().positive().max(600_000).nullable().optional(),
          })
          .strict(),
      )
      .min(1, "a profile needs at least one measured batch size")
      .max(HYBRID_LIMITS.maxProfilePoints),
    source: z.string().max(300).optional(),
  })
  .strict()
  .superRefine((profile, ctx) => {
    profile.points.forEach((point, i) => {
      if (i > 0 && point.batch <= profile.points[i - 1]!.batch) ctx.addIssue({ code: "custom", path: ["points", i, "batch"], message: "batch sizes must be ascending, each once" });
    });
  });

const hybridMixSchema = z
  .array(
    z
      .object({
        items: z.number().int().min(1, "a request carries at least 1 item").max(HYBRID_LIMITS.maxItems),
        percent: z.number().min(0, "must be from 0 to 100").max(100, "must be from 0 to 100"),
      })
      .strict(),
  )
  .min(1, "the mix needs at least one request size")
  .max(HYBRID_LIMITS.maxMixEntries)
  .superRefine((mix, ctx) => {
    const total = mix.reduce((sum, entry) => sum + entry.percent, 0);
    if (Math.abs(total - 100) > 1e-6) ctx.addIssue({ code: "custom", message: `percentages must sum to 100, not ${Number(total.toFixed(4))}` });
  });

const hybridWorkloadFields = {
  rate: z.number().positive("must be more than 0 requests/s").max(HYBRID_LIMITS.maxRate),
  mix: hybridMixSchema,
  seed: z.number().int().nonnegative().max(2 ** 32 - 1).default(1),
};

export const hybridPolicySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all-a") }).strict(),
  z.object({ kind: z.literal("all-b") }).strict(),
  z.object({ kind: z.literal("threshold"), threshold: z.number().int().min(0).max(HYBRID_LIMITS.maxItems) }).strict(),
  z.object({ kind: z.literal("least-completion") }).strict(),
]);

const laneBatchingSchema = z
  .object({
    maxBatch: z.number().int().min(1).max(HYBRID_LIMITS.maxItems),
    maxWaitMs: z.number().min(0).max(HYBRID_LIMITS.maxWaitMs),
  })
  .strict()
  .nullable();

const hybridBatchingSchema = z.object({ a: laneBatchingSchema.default(null), b: laneBatchingSchema.default(null) }).strict().default({ a: null, b: null });

/** A batching lane must fit the largest request in one batch, or that request could never run. */
function checkBatchingFits(batching: { a: { maxBatch: number } | null; b: { maxBatch: number } | null }, mix: Array<{ items: number }>, ctx: z.RefinementCtx, path: Array<string | number>): void {
  const largest = Math.max(...mix.map((m) => m.items));
  for (const side of ["a", "b"] as const) {
    const lane = batching[side];
    if (lane && lane.maxBatch < largest) ctx.addIssue({ code: "custom", path: [...path, side, "maxBatch"], message: `must be at least the largest request in the mix (${largest} items)` });
  }
}

/** A simulation request: what the browser runs, and what POST /api/hybrid-simulations checks. */
export const hybridSimulationSchema = z
  .object({
    model: modelField,
    profiles: z.tuple([laneProfileSchema, laneProfileSchema]),
    workload: z.object({ ...hybridWorkloadFields, requests: z.number().int().min(1).max(HYBRID_LIMITS.maxSimulatedRequests) }).strict(),
    policy: hybridPolicySchema,
    batching: hybridBatchingSchema,
    contention: z.object({ a: z.number().min(0).max(10), b: z.number().min(0).max(10) }).strict().default({ a: 0, b: 0 }),
    variability: z.enum(["fixed", "exponential", "measured"]).default("measured"),
    dollarsPerHour: z.tuple([z.number().min(0).max(1e6), z.number().min(0).max(1e6)]).optional(),
  })
  .strict()
  .superRefine((sim, ctx) => {
    sim.profiles.forEach((profile, i) => {
      if (profile.modelId !== sim.model) ctx.addIssue({ code: "custom", path: ["profiles", i, "modelId"], message: `this profile was measured on model ${profile.modelId}, not ${sim.model}` });
    });
    if (sim.profiles[0].lane === sim.profiles[1].lane) ctx.addIssue({ code: "custom", path: ["profiles", 1, "lane"], message: `lane B must differ from lane A (both are ${sim.profiles[0].lane})` });
    checkBatchingFits(sim.batching, sim.workload.mix, ctx, ["batching"]);
  });

export type HybridSimulationRequest = z.infer<typeof hybridSimulationSchema>;

/**
 * The live hybrid scenario: the same workload and policy for real across the
 * job's lane (A) and `laneB`. Least expected completion time routes by the
 * profiles it is given, as the simulation does.
 */
const hybridScenarioSchema = z
  .object({
    kind: z.literal("hybrid"),
    laneB: z.enum(SERVER_LANE_IDS),
    workload: z
      .object({ ...hybridWorkloadFields, requests: z.number().int().min(1).max(HYBRID_LIMITS.maxLiveRequests) })
      .strict()
      .superRefine((w, ctx) => {
        const expectedMs = (w.requests / w.rate) * 1000;
        if (expectedMs > HYBRID_LIMITS.maxLiveDurationMs) ctx.addIssue({ code: "custom", path: ["requests"], message: `${w.requests} requests at ${w.rate}/s take about ${Math.round(expectedMs / 1000)} s; a live run may last at most ${HYBRID_LIMITS.maxLiveDurationMs / 1000} s` });
      }),
    policy: hybridPolicySchema,
    batching: hybridBatchingSchema,
    profiles: z.tuple([laneProfileSchema, laneProfileSchema]).optional(),
    warmupRequests: z.number().int().min(0).max(1000).default(20),
    /** Measure how much each lane slows while the other runs, before the run (about a second). */
    measureContention: z.boolean().default(true),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.policy.kind === "least-completion" && !s.profiles) ctx.addIssue({ code: "custom", path: ["profiles"], message: "least expected completion time routes by the lanes' profiles; send both" });
    checkBatchingFits(s.batching, s.workload.mix, ctx, ["batching"]);
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
  hybridScenarioSchema,
]);

export type HybridScenarioRequest = z.infer<typeof hybridScenarioSchema>;

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
