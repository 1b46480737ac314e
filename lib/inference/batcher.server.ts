import "server-only";
import { Tensor } from "onnxruntime-node";
import type { Feeds } from "./tensors.server";

export interface BatcherOptions {
  /** Most rows (items along the batch axis) one dispatched batch may hold. */
  maxBatchSize: number;
  /** How long the oldest queued request may wait for company before its batch goes anyway. */
  maxQueueDelayMs: number;
  /** Requests waiting (not yet dispatched) beyond which new ones are refused. */
  maxQueueSize: number;
  /** Batches allowed in flight at once (Triton's instance count). */
  instances?: number;
}

export interface BatchedResult {
  outputs: Feeds;
  /** Time from submit until its batch was handed to the model. */
  queueMs: number;
  /** Time the batch it rode in spent in the model. */
  computeMs: number;
  /** Rows in the batch it rode in (its own included). */
  batchRows: number;
}

export class QueueFullError extends Error {
  constructor(readonly maxQueueSize: number) {
    super(`batcher queue is full (${maxQueueSize} requests waiting)`);
    this.name = "QueueFullError";
  }
}

interface Pending {
  feeds: Feeds;
  rows: number;
  signature: string;
  enqueuedAt: number;
  resolve: (result: BatchedResult) => void;
  reject: (error: unknown) => void;
}

export type RunBatch = (feeds: Feeds) => Promise<Feeds>;

/** Rows along axis 0 and a key that only requests with stackable inputs share. */
function describe(feeds: Feeds): { rows: number; signature: string } {
  let rows = -1;
  const parts: string[] = [];
  for (const name of Object.keys(feeds).sort()) {
    const tensor = feeds[name]!;
    const first = tensor.dims[0];
    if (first === undefined) throw new Error(`input ${name} is a scalar; it has no batch axis to batch along`);
    if (rows === -1) rows = first;
    else if (rows !== first) throw new Error(`inputs disagree on batch size (${rows} vs ${first} for ${name})`);
    parts.push(`${name}:${tensor.type}:${tensor.dims.slice(1).join("x")}`);
  }
  if (rows < 1) throw new Error("a request needs at least one row");
  return { rows, signature: parts.join("|") };
}

type TypedArray = Exclude<Tensor["data"], string[]>;

function concat(parts: Feeds[], totalRows: number): Feeds {
  if (parts.length === 1) return parts[0]!;
  const out: Feeds = {};
  for (const name of Object.keys(parts[0]!)) {
    const first = parts[0]![name]!;
    if (first.type === "string") throw new Error("string tensors are not batched");
    const Ctor = (first.data as TypedArray).constructor as new (length: number) => TypedArray;
    const rowSize = first.dims.slice(1).reduce((a, b) => a * b, 1);
    const data = new Ctor(totalRows * rowSize);
    let offset = 0;
    for (const part of parts) {
      const chunk = part[name]!.data as TypedArray;
      (data as unknown as { set(source: ArrayLike<number | bigint>, offset: number): void }).set(chunk as ArrayLike<number | bigint>, offset);
      offset += chunk.length;
    }
    out[name] = new Tensor(first.type as "float32", data as Float32Array, [totalRows, ...first.dims.slice(1)]);
  }
  return out;
}

function split(outputs: Feeds, rowCounts: number[]): Feeds[] {
  const total = rowCounts.reduce((a, b) => a + b, 0);
  const results: Feeds[] = rowCounts.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.dims[0] !== total) {
      throw new Error(`output ${name} has ${tensor.dims[0]} rows for a batch of ${total}; its first axis is not the batch axis`);
    }
    const rowSize = tensor.dims.slice(1).reduce((a, b) => a * b, 1);
    const data = tensor.data as TypedArray;
    let row = 0;
    rowCounts.forEach((rows, index) => {
      // slice, not subarray: each caller owns its rows and the batch buffer can be freed.
      const chunk = data.slice(row * rowSize, (row + rows) * rowSize);
      results[index]![name] = new Tensor(tensor.type as "float32", chunk as Float32Array, [rows, ...tensor.dims.slice(1)]);
      row += rows;
    });
  }
  return results;
}

/**
 * A dynamic batcher in the manner of Triton's: requests queue; a batch is
 * dispatched when it is full, or when its oldest request has waited
 * maxQueueDelayMs; each caller gets exactly its own rows back.
 */
export class DynamicBatcher {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly instances: number;

  constructor(
    private readonly run: RunBatch,
    private readonly options: BatcherOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(options.maxBatchSize >= 1)) throw new Error("maxBatchSize must be at least 1");
    if (!(options.maxQueueDelayMs >= 0)) throw new Error("maxQueueDelayMs must be ≥ 0");
    if (!(options.maxQueueSize >= 1)) throw new Error("maxQueueSize must be at least 1");
    this.instances = options.instances ?? 1;
  }

  get queued(): number {
    return this.queue.length;
  }

  submit(feeds: Feeds): Promise<BatchedResult> {
    if (this.closed) return Promise.reject(new Error("batcher is closed"));
    let described: { rows: number; signature: string };
    try {
      described = describe(feeds);
    } catch (error) {
      return Promise.reject(error);
    }
    if (described.rows > this.options.maxBatchSize) {
      return Promise.reject(new Error(`request has ${described.rows} rows; the batcher's maxBatchSize is ${this.options.maxBatchSize}`));
    }
    if (this.queue.length >= this.options.maxQueueSize) return Promise.reject(new QueueFullError(this.options.maxQueueSize));
    return new Promise<BatchedResult>((resolve, reject) => {
      this.queue.push({ feeds, ...described, enqueuedAt: this.now(), resolve, reject });
      this.pump();
    });
  }

  /** Refuses new work and fails what is still queued; batches in flight finish. */
  close(reason = "batcher closed"): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const pending of this.queue.splice(0)) pending.reject(new Error(reason));
  }

  private pump(): void {
    while (this.inFlight < this.instances && this.queue.length > 0) {
      const head = this.queue[0]!;
      let rows = 0;
      let full = false;
      for (const pending of this.queue) {
        if (pending.signature !== head.signature) continue;
        if (rows + pending.rows > this.options.maxBatchSize) {
          full = true;
          break;
        }
        rows += pending.rows;
        if (rows === this.options.maxBatchSize) {
          full = true;
          break;
        }
      }
      const waited = this.now() - head.enqueuedAt;
      if (!full && waited < this.options.maxQueueDelayMs) {
        this.arm(head.enqueuedAt + this.options.maxQueueDelayMs - this.now());
        return;
      }
      this.dispatch(head.signature);
    }
  }

  private arm(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, delayMs));
  }

  private dispatch(signature: string): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch: Pending[] = [];
    let rows = 0;
    for (let index = 0; index < this.queue.length; ) {
      const pending = this.queue[index]!;
      if (pending.signature === signature && rows + pending.rows <= this.options.maxBatchSize) {
        batch.push(pending);
        rows += pending.rows;
        this.queue.splice(index, 1);
      } else {
        index += 1;
      }
      if (rows === this.options.maxBatchSize) break;
    }
    this.inFlight += 1;
    const dispatchedAt = this.now();
    void (async () => {
      try {
        const outputs = await this.run(concat(batch.map((p) => p.feeds), rows));
        const computeMs = this.now() - dispatchedAt;
        const parts = split(outputs, batch.map((p) => p.rows));
        batch.forEach((pending, index) =>
          pending.resolve({ outputs: parts[index]!, queueMs: dispatchedAt - pending.enqueuedAt, computeMs, batchRows: rows }),
        );
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      } finally {
        this.inFlight -= 1;
        if (this.queue.length > 0) this.pump();
      }
    })();
  }
}
