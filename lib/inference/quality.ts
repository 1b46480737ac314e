import { z } from "zod";
import { getModel, models } from "@/lib/models/registry";
import type { Metric } from "@/lib/models/metrics";

/**
 * Live quantization quality (POST /api/quality): an int8 variant scored
 * against its fp32 base in the run, on held-out data, beside the stored
 * evaluation.json reference. Browser-safe: the quantization experiment
 * builds requests with these rules and reads `QualityResult`.
 */

/** Base models whose int8 variants are scored live: held-out digits, rendered text lines, seeded vectors. */
export const QUALITY_BASES = ["digits-mlp", "digits-cnn", "mlp-wide", "ocr-rec"] as const;

export const QUALITY_VARIANTS: readonly string[] = models.filter((m) => m.variant !== "fp32" && (QUALITY_BASES as readonly string[]).includes(m.baseId)).map((m) => m.id);

const variantField = z.string().refine((id) => QUALITY_VARIANTS.includes(id), {
  message: `must be an int8 variant scored live: ${QUALITY_VARIANTS.join(", ")}`,
});

export const qualityRequestSchema = z.object({ model: variantField, lane: z.string().min(1, "lane is required") }).strict();
export type QualityRequest = z.infer<typeof qualityRequestSchema>;

export const qualityDataParam = z.enum(QUALITY_BASES, { message: `must be one of ${QUALITY_BASES.join(", ")}` });

export interface QualityResult {
  model: string;
  base: string;
  /** The lane the two models ran on: a server lane id, or a browser lane key when the browser scored it. */
  lane: string;
  device: string | null;
  software: boolean | null;
  /** Measured in this run. */
  metric: Metric;
  /** What `npm run models:eval` recorded (lib/models/evaluation.json), for comparison; null if never evaluated. */
  reference: Metric | null;
  /** Wall time of both models over the held-out set. */
  elapsedMs: number;
}

/** Header of GET /api/quality-data/{base}: the held-out inputs follow as float32, batch by batch, in order. */
export interface QualityDataHeader {
  base: string;
  /** Per batch, its input tensors in order; each tensor's float32 values follow the header in this order. */
  batches: Array<Array<{ name: string; dims: number[] }>>;
  /** True classes of the held-out digits (accuracy); null for agreement metrics. */
  labels: number[] | null;
  /** Where the data comes from, in words. */
  source: string;
}

export function describeVariant(id: string): string {
  return getModel(id)?.title ?? id;
}
