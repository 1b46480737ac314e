"use client";
import type { ComponentType } from "react";
import { BatchSweepExperiment } from "@/lib/experiments/batch-sweep";
import { CostExperiment } from "@/lib/experiments/cost";
import { DeviceSelectionExperiment } from "@/lib/experiments/device-selection";
import { HybridRouterExperiment } from "@/lib/experiments/hybrid-router";
import { LatencyExperiment } from "@/lib/experiments/latency";
import { QuantizationExperiment } from "@/lib/experiments/quantization";
import { RecommendationExperiment } from "@/lib/experiments/recommendation";
import { RooflineExperiment } from "@/lib/experiments/roofline";
import { ServingExperiment } from "@/lib/experiments/serving";
import { TimingPitfallsExperiment } from "@/lib/experiments/timing-pitfalls";
import { ThreadsExperiment } from "@/lib/experiments/threads";
import { Callout } from "@/lib/lesson-ui/callout";
import { Figure } from "@/lib/lesson-ui/figure";
import { PredictThenMeasure } from "@/lib/lesson-ui/predict-then-measure";
import { Quiz } from "@/lib/quiz/ui/quiz";

/**
 * The one list of components any lesson may use without importing them.
 * Experiment components end in "Experiment" (lib/content counts them by that name).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- MDX passes arbitrary props through
export const lessonComponents: Record<string, ComponentType<any>> = {
  Callout,
  Figure,
  PredictThenMeasure,
  Quiz,
  LatencyExperiment,
  BatchSweepExperiment,
  QuantizationExperiment,
  ServingExperiment,
  RooflineExperiment,
  CostExperiment,
  HybridRouterExperiment,
  TimingPitfallsExperiment,
  ThreadsExperiment,
  DeviceSelectionExperiment,
  RecommendationExperiment,
};
