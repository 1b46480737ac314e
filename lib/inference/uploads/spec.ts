/**
 * What an uploaded model is called and what the engine learns about it.
 * Browser-safe: the instructor's upload form checks a name with the same rules
 * the server applies.
 */
import { z } from "zod";
import type { TensorSpec } from "../model";

export const MODEL_NAME_MAX = 64;
export const MODEL_DESCRIPTION_MAX = 500;

// Control characters (C0, DEL, C1) and the Unicode direction overrides that disguise a name.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * A model's name is its id in every API path (/v2/models/{name}), so it is
 * kept to what needs no escaping: letters, digits, '.', '_' and '-', starting
 * with a letter or digit. Path separators and control characters get their
 * own messages, because they are what an attack or a careless script sends.
 */
export const modelNameSchema = z
  .string({ error: "name is required" })
  .superRefine((name, context) => {
    const problem = modelNameProblem(name);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

export function modelNameProblem(name: string): string | null {
  if (name.length === 0) return "name is required";
  if (name.length > MODEL_NAME_MAX) return `name is ${name.length} characters; at most ${MODEL_NAME_MAX}`;
  if (CONTROL.test(name)) return "name contains a control character";
  if (/[/\\]/.test(name)) return "name contains a path separator (/ or \\)";
  if (name === "." || name === ".." || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    return "name may hold only letters, digits, '.', '_' and '-', and must start with a letter or digit";
  }
  return null;
}

export const modelDescriptionSchema = z
  .string()
  .max(MODEL_DESCRIPTION_MAX, `description is at most ${MODEL_DESCRIPTION_MAX} characters`)
  .refine((text) => !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text), "description contains a control character")
  .transform((text) => text.trim() || null);

/** Sizes for a model's named dynamic axes other than the batch, e.g. "sequence=128,height=224". */
export const axisSizesSchema = z
  .string()
  .max(1000)
  .transform((text, context) => {
    const sizes: Record<string, number> = {};
    for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
      const match = /^([A-Za-z_][A-Za-z0-9_.:-]{0,63})=(\d{1,7})$/.exec(part);
      const size = match ? Number(match[2]) : 0;
      if (!match || size < 1 || size > 1_000_000) {
        context.addIssue({ code: "custom", message: `axes: "${part.slice(0, 40)}" is not name=size with a size from 1 to 1000000` });
        return z.NEVER;
      }
      sizes[match[1]!] = size;
    }
    return sizes;
  });

/** What the engine needs to run an uploaded model, derived from the file when it was accepted. */
export interface UploadedModelSpec {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** 0 when every input and output starts with the same named dynamic axis; null otherwise. */
  batchAxis: number | null;
  maxBatch: number;
  /** Sizes the server uses for the other named dynamic axes. */
  axisDefaults: Record<string, number>;
  parameters: number;
  weightBytes: number;
  opset: number;
  producer: string | null;
}

/** An upload as GET /api/models lists it. */
export interface WireUploadedModel {
  id: string;
  name: string;
  description: string | null;
  sha256: string;
  sizeBytes: number;
  addedBy: { name: string };
  addedAt: string;
  /** The signed-in instructor added it, so may delete it. */
  mine: boolean;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}
