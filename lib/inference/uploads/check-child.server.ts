/**
 * The child process that first touches an uploaded model (started by
 * check.server.ts, never imported by the server): reads the file, validates
 * it, creates a cpu session and runs it once on generated inputs, then reports
 * one message over IPC. A model that crashes, hangs or exhausts memory takes
 * only this process down; the parent enforces the time and memory limits.
 */
import { readFileSync } from "node:fs";
import { InferenceSession } from "onnxruntime-node";
import { generateFeeds } from "../inputs.server";
import type { InferenceModel } from "../model";
import { DTYPES } from "../tensors.server";
import type { CheckRequest, ChildReport } from "./check-protocol";
import { validateOnnxUpload } from "./validate";

function send(report: ChildReport): Promise<void> {
  return new Promise((resolve) => process.send!(report, () => resolve()));
}

/** onnxruntime's long messages end with the useful line; keep it short for a JSON error. */
function runtimeWords(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.trim().split("\n").filter(Boolean);
  return (lines.find((line) => /Could not find an implementation|not a registered function|No Op registered|Unrecognized attribute/i.test(line)) ?? lines.at(-1) ?? message).slice(0, 500);
}

async function check(request: CheckRequest): Promise<ChildReport> {
  const bytes = new Uint8Array(readFileSync(request.file));
  const result = validateOnnxUpload(bytes, {
    maxTensorBytes: request.maxTensorBytes,
    feedableTypes: new Map(Object.entries(DTYPES).map(([name, info]) => [name, info.bytes])),
    axisSizes: request.axisSizes,
  });
  if (!result.ok) return { kind: "refused", status: result.status, code: result.code, error: result.error };

  const fault = process.env.INFERENCE_LAB_MODEL_CHECK_FAULT;
  let session: InferenceSession;
  const created = performance.now();
  try {
    session = await InferenceSession.create(bytes, { executionProviders: ["cpu"], intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3, graphOptimizationLevel: "all" });
  } catch (error) {
    const words = runtimeWords(error);
    const unknownOperator = /Could not find an implementation|not a registered function|No Op registered|is not a registered/i.test(words);
    return {
      kind: "refused",
      status: 422,
      code: unknownOperator ? "unknown-operator" : "session-failed",
      error: unknownOperator ? `onnxruntime has no kernel for an operator in this model: ${words}` : `onnxruntime could not load the model: ${words}`,
    };
  }
  const createMs = performance.now() - created;
  // Test-only (the parent passes it on only when NODE_ENV is "test"): the child's death as a runtime crash would look.
  if (fault === "abort") process.abort();
  if (fault === "exit") process.exit(134);
  const model: InferenceModel = { id: "upload-check", title: "upload check", file: request.file, ...result.spec };
  const started = performance.now();
  try {
    await session.run(generateFeeds(model, 1, 1));
  } catch (error) {
    return { kind: "refused", status: 422, code: "run-failed", error: `the model's first run failed on generated inputs (batch 1, axes ${JSON.stringify(result.spec.axisDefaults)}): ${runtimeWords(error)}` };
  }
  const runMs = performance.now() - started;
  await session.release();
  return { kind: "accepted", spec: result.spec, createMs, runMs, operators: result.inspection.operators.length, nodes: result.inspection.nodeCount };
}

process.once("message", (request: CheckRequest) => {
  check(request).then(
    async (report) => {
      await send(report);
      process.exit(0);
    },
    async (error: unknown) => {
      await send({ kind: "refused", status: 422, code: "check-failed", error: `the check could not read the model: ${error instanceof Error ? error.message : String(error)}` });
      process.exit(0);
    },
  );
});
