/** Messages between check.server.ts and its child (check-child.server.ts). */
import type { UploadedModelSpec } from "./spec";

export interface CheckRequest {
  file: string;
  maxTensorBytes: number;
  axisSizes: Record<string, number>;
}

export type ChildReport =
  | { kind: "accepted"; spec: UploadedModelSpec; createMs: number; runMs: number; operators: number; nodes: number }
  | { kind: "refused"; status: number; code: string; error: string };
