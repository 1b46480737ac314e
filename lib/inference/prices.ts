/**
 * The price and power each server lane is assumed to cost, with where each
 * number comes from: one list, read by the cost experiment (lesson 7, which
 * cites these sources in its References) and by the hardware recommendation.
 * Learners edit them in both; the measured throughput is theirs, these are
 * assumptions. Browser-safe (no imports).
 */

export interface LanePrice {
  dollarsPerHour: number;
  watts: number;
}

export interface CitedLanePrice extends LanePrice {
  /** Where the price and the power come from, in words a learner can check. */
  source: string;
}

/**
 * Prices: AWS on-demand Linux in us-east-1, June 2026 (FactualMinds, "Amazon EC2 On-Demand Pricing … (2026)",
 * accessed 2026-12-02). Power: AMD EPYC 9654's 360 W TDP over 96 cores (HPC Technologies' EPYC 9004 table) for the
 * CPU; the A10G's 300 W power limit as `nvidia-smi` reports it on g5.xlarge (S. Prasanna's gist) for CUDA.
 */
export const DEFAULT_LANE_PRICES = {
  "server-cpu": { dollarsPerHour: 0.0816, watts: 7.5, source: "m7g.large (2 vCPU) on demand in us-east-1; two cores' share of an EPYC 9654's 360 W over 96 cores" },
  // This lab's server WebGPU lane is SwiftShader on the same CPU, so it costs what the CPU costs.
  "server-webgpu": { dollarsPerHour: 0.0816, watts: 7.5, source: "SwiftShader runs on the server's CPU: the CPU's price and power" },
  "server-cuda": { dollarsPerHour: 1.006, watts: 300, source: "g5.xlarge (one NVIDIA A10G) on demand in us-east-1; the A10G's 300 W power limit" },
} as const satisfies Record<string, CitedLanePrice>;

export type PricedLane = keyof typeof DEFAULT_LANE_PRICES;

export function defaultPriceOf(lane: string): CitedLanePrice | null {
  return (DEFAULT_LANE_PRICES as Record<string, CitedLanePrice>)[lane] ?? null;
}
