import { z } from "zod";
import { defaultPriceOf, type LanePrice } from "@/lib/inference/prices";
import { LANE_KEYS, LANES, type LaneKey, STORED_LANE_TITLES, STORED_LANES, type StoredLane } from "@/lib/lanes";
import { dollarsPerMillion } from "./figures";
import { fmt } from "./format";

/**
 * A hardware recommendation from measured profiles: which lane serves a
 * workload within its p99 target at the lowest cost per million, with every
 * step of the arithmetic as a line a learner can check. Pure and browser-safe:
 * the server computes the answer it stores (lib/experiments/recommend.server.ts),
 * the unit tests feed it fixed profiles. See docs/decisions/0017-hardware-recommendation.md.
 */

/** One batch size as measured on one lane: latency per call and sustained items per second. */
export interface MeasuredPoint {
  batch: number;
  p50Ms: number;
  p99Ms: number;
  itemsPerSecond: number;
  /** Where the point comes from: a stored result id or a benchmark run id. */
  from: string;
  measuredAt: string;
}

/** Whose measurement a profile is: the learner's own, a classmate's device, or the server's reference runs. */
export type ProfileSource = "yours" | "class" | "server-reference";

export const SOURCE_TITLES: Record<ProfileSource, string> = {
  yours: "your own runs",
  class: "a classmate's device",
  "server-reference": "the server's reference benchmarks",
};

/** Everything measured for one model on one lane and device, one point per batch (the latest). */
export interface LaneProfile {
  lane: StoredLane;
  source: ProfileSource;
  modelId: string;
  device: string | null;
  software: boolean;
  threads: number | null;
  /** The server took the numbers from its own benchmark runs; false for what a browser reported about itself. */
  verified: boolean;
  points: MeasuredPoint[];
}

export const RECOMMENDATION_LIMITS = {
  /** Below a microsecond no timer a lane here uses resolves a call: a target there cannot be measured against. */
  minTargetMs: 0.001,
  maxTargetMs: 600_000,
  maxRequestsPerSecond: 10_000_000,
  maxDollarsPerHour: 10_000,
  maxWatts: 100_000,
} as const;

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const priceSchema = z
  .object({
    dollarsPerHour: finite.nonnegative("must be 0 or more").max(RECOMMENDATION_LIMITS.maxDollarsPerHour, `must be at most ${RECOMMENDATION_LIMITS.maxDollarsPerHour}`),
    watts: finite.nonnegative("must be 0 or more").max(RECOMMENDATION_LIMITS.maxWatts, `must be at most ${RECOMMENDATION_LIMITS.maxWatts}`),
  })
  .strict();

const storedLaneSchema = z.string().refine((lane): lane is StoredLane => (STORED_LANES as readonly string[]).includes(lane), { message: `unknown lane; known: ${STORED_LANES.join(", ")}` });

/** POST /api/recommendation. The lane keys of `prices` and `lanes` are stored lane names (server-cpu, browser-wasm, …). */
export const recommendationRequestSchema = z
  .object({
    lessonSlug: z.string().min(1).max(100),
    model: z.string().min(1).max(100),
    p99TargetMs: finite
      .positive("must be more than 0 ms")
      .min(RECOMMENDATION_LIMITS.minTargetMs, `must be at least ${RECOMMENDATION_LIMITS.minTargetMs} ms: below a microsecond no timer here can tell whether a call met it`)
      .max(RECOMMENDATION_LIMITS.maxTargetMs, `must be at most ${RECOMMENDATION_LIMITS.maxTargetMs} ms`),
    requestsPerSecond: finite.positive("must be more than 0 requests per second").max(RECOMMENDATION_LIMITS.maxRequestsPerSecond, `must be at most ${RECOMMENDATION_LIMITS.maxRequestsPerSecond}`),
    /** Hours a day the traffic arrives at that rate. */
    busyHoursPerDay: finite.positive("must be more than 0 hours").max(24, "must be at most 24 hours"),
    /** Hours a day the machine is paid for (24: always on). */
    billedHoursPerDay: finite.positive("must be more than 0 hours").max(24, "must be at most 24 hours"),
    prices: z
      .record(z.string(), priceSchema)
      .superRefine((prices, ctx) => {
        for (const lane of Object.keys(prices)) {
          if (!(STORED_LANES as readonly string[]).includes(lane)) ctx.addIssue({ code: "custom", path: [lane], message: `unknown lane; known: ${STORED_LANES.join(", ")}` });
        }
      })
      .default({}),
    /** Lanes to consider; all of them when absent. */
    lanes: z.array(storedLaneSchema).min(1, "must name at least one lane").max(STORED_LANES.length).optional(),
  })
  .strict()
  .refine((r) => r.busyHoursPerDay <= r.billedHoursPerDay, { path: ["busyHoursPerDay"], message: "cannot exceed billedHoursPerDay: traffic needs the machine to be running" });

export type RecommendationRequest = z.infer<typeof recommendationRequestSchema>;

export interface Workload {
  model: string;
  p99TargetMs: number;
  requestsPerSecond: number;
  busyHoursPerDay: number;
  billedHoursPerDay: number;
}

export type RefusalReason = "no-price" | "p99-over-target-at-batch-1" | "no-batch-within-target" | "rate-above-capacity" | "no-points";

export interface Refusal {
  reason: RefusalReason;
  text: string;
}

export type MissingKind = "no-run" | "no-batch-sweep" | "no-batch-1";

/** A measurement that would make the answer better, and the lane key whose run takes it. */
export interface MissingMeasurement {
  lane: StoredLane;
  /** The experiment lane that measures it (a batch sweep from batch 1). */
  runLane: LaneKey;
  kind: MissingKind;
  text: string;
}

export interface LaneAssessment {
  /** Unique within one recommendation: source, lane, device and threads. */
  id: string;
  lane: StoredLane;
  laneTitle: string;
  source: ProfileSource;
  device: string | null;
  software: boolean;
  verified: boolean;
  meets: boolean;
  refusals: Refusal[];
  /** The arithmetic, in order, one line each. */
  steps: string[];
  batch1P99Ms: number | null;
  bestBatch: number | null;
  /** p99 at the chosen batch plus the wait for that batch to fill at the workload's rate. */
  latencyBoundMs: number | null;
  capacityPerSecond: number | null;
  /** Of the billed hours: the fraction the lane is busy serving. */
  utilisation: number | null;
  /** Spare capacity while the traffic runs: (capacity − rate) ÷ capacity, in percent. */
  headroomPercent: number | null;
  machinesNeeded: number | null;
  dollarsPerMillion: number | null;
  joulesPerInference: number | null;
  price: LanePrice | null;
}

export interface Recommendation {
  workload: Workload;
  lanes: LaneAssessment[];
  /** The id of the assessment recommended, or null when none meets the target. */
  recommended: string | null;
  /** One sentence: the answer, or that none meets the target. */
  summary: string;
  missing: MissingMeasurement[];
  notes: string[];
}

/** Above this, waiting in the queue (not in any measured p99) grows fast: the serving lesson measures it. */
export const QUEUEING_WARNING_UTILISATION = 0.7;

const ms = (value: number) => `${fmt(value)} ms`;
const perSecond = (value: number) => `${fmt(value)}/s`;

/**
 * The wait for a batch of b requests to fill at λ requests per second: the first
 * request of a batch waits for the b − 1 after it, (b − 1) ÷ λ on average. A
 * batch that takes longer to fill than the target allows cannot be used, however
 * fast it runs once full.
 */
export function fillWaitMs(batch: number, requestsPerSecond: number): number {
  return ((batch - 1) / requestsPerSecond) * 1000;
}

export function assessmentId(profile: Pick<LaneProfile, "source" | "lane" | "device" | "threads" | "software">): string {
  return [profile.source, profile.lane, profile.device ?? "unknown device", profile.threads ?? "", profile.software ? "software" : ""].join("|");
}

export function assessLane(profile: LaneProfile, workload: Workload, price: LanePrice | null): LaneAssessment {
  const laneTitle = STORED_LANE_TITLES[profile.lane];
  const points = [...profile.points].sort((a, b) => a.batch - b.batch);
  const steps: string[] = [];
  const refusals: Refusal[] = [];
  const { p99TargetMs: target, requestsPerSecond: rate } = workload;
  const base: LaneAssessment = {
    id: assessmentId(profile),
    lane: profile.lane,
    laneTitle,
    source: profile.source,
    device: profile.device,
    software: profile.software,
    verified: profile.verified,
    meets: false,
    refusals,
    steps,
    batch1P99Ms: null,
    bestBatch: null,
    latencyBoundMs: null,
    capacityPerSecond: null,
    utilisation: null,
    headroomPercent: null,
    machinesNeeded: null,
    dollarsPerMillion: null,
    joulesPerInference: null,
    price,
  };
  const device = `${profile.device ?? "unknown device"}${profile.software ? " (a software GPU: CPU speed, not GPU speed)" : ""}`;
  steps.push(`Measured on ${device}, from ${SOURCE_TITLES[profile.source]}${profile.verified ? "" : " (reported by a browser, not checked by the server)"}: batch ${points.map((p) => p.batch).join(", ") || "none"}.`);
  if (points.length === 0) {
    refusals.push({ reason: "no-points", text: `No measured batch of ${workload.model} on ${laneTitle}.` });
    return base;
  }

  const first = points[0]!;
  if (first.batch === 1) {
    base.batch1P99Ms = first.p99Ms;
    steps.push(`Batch 1: p99 ${ms(first.p99Ms)} against the target ${ms(target)}: ${first.p99Ms <= target ? "within it" : "over it"}.`);
    if (first.p99Ms > target) refusals.push({ reason: "p99-over-target-at-batch-1", text: `p99 is ${ms(first.p99Ms)} even at batch 1, over the ${ms(target)} target: no batch size can bring it down.` });
  } else {
    steps.push(`No batch-1 run: the smallest measured batch is ${first.batch}.`);
  }

  let best: { point: MeasuredPoint; boundMs: number } | null = null;
  for (const point of points) {
    const wait = fillWaitMs(point.batch, rate);
    const bound = point.p99Ms + wait;
    const fits = bound <= target;
    steps.push(
      point.batch === 1
        ? `Batch 1 needs no wait to fill: latency bound ${ms(bound)}, ${fits ? "within" : "over"} the target; it sustains ${perSecond(point.itemsPerSecond)}.`
        : `Batch ${point.batch}: waiting for ${point.batch - 1} more requests at ${perSecond(rate)} takes ${ms(wait)}, plus p99 ${ms(point.p99Ms)} = ${ms(bound)}, ${fits ? "within" : "over"} the target; it sustains ${perSecond(point.itemsPerSecond)}.`,
    );
    if (fits && (!best || point.itemsPerSecond > best.point.itemsPerSecond)) best = { point, boundMs: bound };
  }
  if (!best) {
    if (!refusals.some((r) => r.reason === "p99-over-target-at-batch-1")) refusals.push({ reason: "no-batch-within-target", text: `No measured batch stays within ${ms(target)} once the wait to fill it is counted.` });
  } else {
    base.bestBatch = best.point.batch;
    base.latencyBoundMs = best.boundMs;
    const capacity = best.point.itemsPerSecond;
    base.capacityPerSecond = capacity;
    steps.push(`Best batch within the target: ${best.point.batch}, with a capacity of ${perSecond(capacity)}.`);
    const busy = rate / capacity;
    base.machinesNeeded = Math.ceil(busy);
    if (rate > capacity) {
      steps.push(`Rate ${perSecond(rate)} ÷ capacity ${perSecond(capacity)} = ${fmt(busy)}: more than one machine's worth.`);
      refusals.push({ reason: "rate-above-capacity", text: `${perSecond(rate)} is more than the ${perSecond(capacity)} one such machine sustains within the target; it would take ${base.machinesNeeded} of them.` });
    } else {
      base.headroomPercent = ((capacity - rate) / capacity) * 100;
      steps.push(`Rate ${perSecond(rate)} ÷ capacity ${perSecond(capacity)} = ${fmt(busy * 100)}% busy while the traffic runs: headroom ${fmt(base.headroomPercent)}%.`);
      if (busy > QUEUEING_WARNING_UTILISATION) steps.push(`Over ${QUEUEING_WARNING_UTILISATION * 100}% busy, requests start waiting for each other; that queueing is not in the measured p99 (the serving lesson measures it under Poisson arrivals).`);
    }
    base.utilisation = (Math.min(rate, capacity) / capacity) * (workload.busyHoursPerDay / workload.billedHoursPerDay);
  }

  if (!price) {
    refusals.push({ reason: "no-price", text: `No price for ${laneTitle}: enter what an hour of it costs.` });
    steps.push(`No price for ${laneTitle}: cost per million cannot be worked out.`);
  } else {
    // The bill runs for the billed hours; inferences arrive only during the busy ones.
    const perDayDollars = price.dollarsPerHour * workload.billedHoursPerDay;
    const perDayInferences = rate * 3600 * workload.busyHoursPerDay;
    const effectiveHourly = perDayDollars / workload.busyHoursPerDay;
    base.dollarsPerMillion = dollarsPerMillion(rate, effectiveHourly);
    base.joulesPerInference = (price.watts * workload.billedHoursPerDay * 3600) / perDayInferences;
    steps.push(
      `Cost: $${fmt(price.dollarsPerHour)}/hour × ${fmt(workload.billedHoursPerDay)} billed hours = $${fmt(perDayDollars)} a day, for ${perSecond(rate)} × 3600 × ${fmt(workload.busyHoursPerDay)} busy hours = ${fmt(perDayInferences)} inferences a day: $${fmt(base.dollarsPerMillion)} per million.`,
    );
    steps.push(`Energy at the ${fmt(price.watts)} W assumed for every billed hour: ${fmt(base.joulesPerInference)} J per inference (an upper bound: an idle machine draws less).`);
  }
  base.meets = refusals.length === 0;
  steps.push(base.meets ? `Meets the target at this rate.` : `Does not meet the target: ${refusals.map((r) => r.text).join(" ")}`);
  return base;
}

/** The experiment lane that measures a stored lane (WASM is measured with one thread, the stored default). */
export function runLaneOf(lane: StoredLane): LaneKey {
  return LANE_KEYS.find((key) => LANES[key].stored === lane)!;
}

/** What the learner has not measured yet for this model on these lanes, whatever the class or the server has. */
export function missingMeasurements(model: string, lanes: readonly StoredLane[], own: readonly LaneProfile[]): MissingMeasurement[] {
  return lanes.flatMap((lane): MissingMeasurement[] => {
    const title = STORED_LANE_TITLES[lane];
    const mine = own.filter((p) => p.lane === lane && p.source === "yours");
    const runLane = runLaneOf(lane);
    if (mine.length === 0) return [{ lane, runLane, kind: "no-run", text: `No stored run of ${model} on ${title} of yours.` }];
    const batches = new Set(mine.flatMap((p) => p.points.map((q) => q.batch)));
    const out: MissingMeasurement[] = [];
    if (!batches.has(1)) out.push({ lane, runLane, kind: "no-batch-1", text: `Your runs of ${model} on ${title} have no batch-1 measurement, so its latency floor is unknown.` });
    if (batches.size < 2) out.push({ lane, runLane, kind: "no-batch-sweep", text: `Your runs of ${model} on ${title} measured one batch size only: a batch sweep shows whether batching raises capacity within the target.` });
    return out;
  });
}

/**
 * The lowest p50 measured for the model on any lane by anyone: a p99 target
 * below it cannot be met by anything measured here, and saying so is more
 * useful than a table of refusals.
 */
export function fastestMeasured(profiles: readonly LaneProfile[]): { p50Ms: number; profile: LaneProfile } | null {
  let fastest: { p50Ms: number; profile: LaneProfile } | null = null;
  for (const profile of profiles) for (const point of profile.points) if (!fastest || point.p50Ms < fastest.p50Ms) fastest = { p50Ms: point.p50Ms, profile };
  return fastest;
}

export function priceFor(lane: StoredLane, prices: Partial<Record<string, LanePrice>>): LanePrice | null {
  const given = prices[lane];
  if (given) return given;
  const cited = defaultPriceOf(lane);
  return cited ? { dollarsPerHour: cited.dollarsPerHour, watts: cited.watts } : null;
}

export function recommend(workload: Workload, profiles: readonly LaneProfile[], prices: Partial<Record<string, LanePrice>>, lanes: readonly StoredLane[] = STORED_LANES): Recommendation {
  const considered = profiles.filter((p) => p.modelId === workload.model && lanes.includes(p.lane));
  const assessed = considered.map((p) => assessLane(p, workload, priceFor(p.lane, prices)));
  const meeting = assessed.filter((a) => a.meets).sort((a, b) => a.dollarsPerMillion! - b.dollarsPerMillion! || (b.headroomPercent ?? 0) - (a.headroomPercent ?? 0));
  const best = meeting[0] ?? null;
  const notes: string[] = [];
  if (best?.software) notes.push(`${best.laneTitle} here is a software GPU: it runs on the CPU, and its numbers say nothing about a hardware GPU.`);
  if (best && !best.verified) notes.push("The recommended lane's numbers were reported by a browser, not checked by the server.");
  const summary = best
    ? `${best.laneTitle} on ${best.device ?? "unknown device"} (${SOURCE_TITLES[best.source]}) meets ${fmt(workload.p99TargetMs)} ms p99 at ${fmt(workload.requestsPerSecond)} requests/s for $${fmt(best.dollarsPerMillion)} per million, with ${fmt(best.headroomPercent)}% headroom.`
    : assessed.length === 0
      ? `Nothing measured: no stored run of ${workload.model} on the lanes considered.`
      : `None meets the target: ${assessed.map((a) => `${a.laneTitle} (${SOURCE_TITLES[a.source]}): ${a.refusals.map((r) => r.text).join(" ")}`).join(" ")}`;
  return {
    workload,
    lanes: assessed,
    recommended: best?.id ?? null,
    summary,
    missing: missingMeasurements(workload.model, lanes, considered),
    notes,
  };
}
