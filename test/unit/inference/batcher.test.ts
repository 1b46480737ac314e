import { Tensor } from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamicBatcher, QueueFullError } from "@/lib/inference/batcher.server";
import { getLane } from "@/lib/inference/lanes.server";
import { getRunner, releaseAllRunners, type Runner } from "@/lib/inference/sessions.server";
import { fixtureModel, seededFloats } from "./helpers";

const model = fixtureModel("batcher-mlp", [16, 32, 8]);
let runner: Runner;

beforeAll(async () => {
  runner = (await getRunner(model, await getLane("cpu"), { threads: 1 })).runner;
});
afterAll(() => releaseAllRunners());

function request(rows: number, seed: number): Tensor {
  return new Tensor("float32", seededFloats(rows * 16, seed), [rows, 16]);
}

describe("DynamicBatcher", () => {
  it("gives every concurrent request exactly its own rows, in order", async () => {
    const batches: number[] = [];
    const batcher = new DynamicBatcher(
      async (feeds) => {
        batches.push(feeds.input!.dims[0]!);
        return runner.run(feeds);
      },
      { maxBatchSize: 8, maxQueueDelayMs: 5, maxQueueSize: 100 },
    );
    const rowCounts = Array.from({ length: 40 }, (_, i) => 1 + (i % 3));
    const inputs = rowCounts.map((rows, i) => request(rows, 100 + i));
    const results = await Promise.all(inputs.map((input) => batcher.submit({ input })));
    // Batching happened (some batch held several requests) and never exceeded the cap.
    expect(Math.max(...batches)).toBeGreaterThan(3);
    expect(Math.max(...batches)).toBeLessThanOrEqual(8);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(rowCounts.reduce((a, b) => a + b, 0));
    for (let i = 0; i < inputs.length; i += 1) {
      const alone = await runner.run({ input: inputs[i]! });
      const got = results[i]!.outputs.output!;
      expect(got.dims).toEqual([rowCounts[i], 8]);
      const want = alone.output!.data as Float32Array;
      const have = got.data as Float32Array;
      for (let k = 0; k < want.length; k += 1) expect(Math.abs(have[k]! - want[k]!)).toBeLessThan(1e-5);
      expect(results[i]!.batchRows).toBeGreaterThanOrEqual(rowCounts[i]!);
      expect(results[i]!.queueMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("dispatches a lone request after the queue delay instead of waiting forever", async () => {
    const batcher = new DynamicBatcher((feeds) => runner.run(feeds), { maxBatchSize: 32, maxQueueDelayMs: 20, maxQueueSize: 4 });
    const result = await batcher.submit({ input: request(1, 1) });
    expect(result.batchRows).toBe(1);
    expect(result.queueMs).toBeGreaterThanOrEqual(15);
  });

  it("refuses requests when the queue is full and requests over the batch cap", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new DynamicBatcher(
      async (feeds) => {
        await gate;
        return runner.run(feeds);
      },
      { maxBatchSize: 1, maxQueueDelayMs: 0, maxQueueSize: 2 },
    );
    const first = batcher.submit({ input: request(1, 1) }); // in flight, held at the gate
    const queued = [batcher.submit({ input: request(1, 2) }), batcher.submit({ input: request(1, 3) })];
    await expect(batcher.submit({ input: request(1, 4) })).rejects.toBeInstanceOf(QueueFullError);
    await expect(batcher.submit({ input: request(2, 5) })).rejects.toThrow(/maxBatchSize is 1/);
    release();
    const done = await Promise.all([first, ...queued]);
    expect(done.map((r) => r.batchRows)).toEqual([1, 1, 1]);
  });

  it("does not stack requests whose non-batch shapes differ", async () => {
    const seen: number[][] = [];
    const batcher = new DynamicBatcher(
      async (feeds) => {
        seen.push([...feeds.x!.dims]);
        return { y: feeds.x! };
      },
      { maxBatchSize: 8, maxQueueDelayMs: 2, maxQueueSize: 10 },
    );
    const a = new Tensor("float32", new Float32Array(4), [1, 4]);
    const b = new Tensor("float32", new Float32Array(6), [1, 6]);
    const results = await Promise.all([batcher.submit({ x: a }), batcher.submit({ x: b }), batcher.submit({ x: a })]);
    expect(results.map((r) => r.outputs.y!.dims)).toEqual([[1, 4], [1, 6], [1, 4]]);
    expect(seen).toContainEqual([2, 4]);
    expect(seen).toContainEqual([1, 6]);
  });
});
