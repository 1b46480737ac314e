/**
 * A class's stored experiment results, grouped so the class sees what
 * hardware it has. Browser-safe (the chart component imports the labels).
 */

import { median } from "@/lib/inference/stats";
import { hardwareKind, type HardwareKind } from "@/lib/lanes";

export { hardwareKind, type HardwareKind };

export interface DeviceResult {
  id: string;
  createdAt: string;
  userId: string | null;
  learner: string | null;
  lessonSlug: string;
  experiment: string;
  modelId: string;
  lane: string;
  device: string | null;
  software: boolean;
  threads: number | null;
  batchSize: number | null;
  p50Ms: number | null;
  throughput: number | null;
  /** Server reference rows come from BenchmarkRun, not from a learner. */
  source: "learner" | "server";
}

export interface DeviceGroup {
  key: string;
  modelId: string;
  lane: string;
  kind: HardwareKind;
  device: string;
  batchSize: number | null;
  source: "learner" | "server";
  results: number;
  learners: number;
  /** Medians over the group's results that have the number; null when none has. */
  p50Ms: number | null;
  throughput: number | null;
}

export function laneLabel(lane: string, software: boolean): string {
  return software ? `${lane} (software GPU)` : lane;
}

export { median };

/** One group per model × lane × device × batch size (and learner vs server), busiest first within a model. */
export function groupDeviceResults(results: readonly DeviceResult[]): DeviceGroup[] {
  const groups = new Map<string, { rows: DeviceResult[]; learners: Set<string> }>();
  for (const r of results) {
    const device = r.device?.trim() || "unknown device";
    const key = [r.source, r.modelId, r.lane, r.software ? "sw" : "hw", device, r.batchSize ?? ""].join("\u0000");
    const group = groups.get(key) ?? { rows: [], learners: new Set<string>() };
    group.rows.push(r);
    if (r.userId) group.learners.add(r.userId);
    groups.set(key, group);
  }
  return [...groups.entries()]
    .map(([key, { rows, learners }]): DeviceGroup => {
      const first = rows[0]!;
      return {
        key,
        modelId: first.modelId,
        lane: first.lane,
        kind: hardwareKind(first.lane, first.software),
        device: first.device?.trim() || "unknown device",
        batchSize: first.batchSize,
        source: first.source,
        results: rows.length,
        learners: learners.size,
        p50Ms: median(rows.flatMap((r) => (r.p50Ms === null ? [] : [r.p50Ms]))),
        throughput: median(rows.flatMap((r) => (r.throughput === null ? [] : [r.throughput]))),
      };
    })
    .sort((a, b) => a.modelId.localeCompare(b.modelId) || (a.source === b.source ? 0 : a.source === "server" ? 1 : -1) || b.results - a.results || a.key.localeCompare(b.key));
}
