/**
 * How an int8 variant's quality is scored against its fp32 base, browser-safe:
 * the server (models:eval, POST /api/quality) and the browser's worker score a
 * run with the same code. Outputs are first reduced to what the metric reads
 * (predicted classes, decoded text, a mask), so a browser never ships a
 * recognizer's 8-million-value output back to the page.
 */

export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}

export type MetricName = "accuracy" | "maskIoU" | "textAgreement" | "cosine";

export interface Metric {
  name: MetricName;
  /** The variant's figure: accuracy on held-out digits, or agreement with fp32. */
  value: number;
  /** fp32's figure on the same data (accuracy only; agreement metrics compare against fp32 itself). */
  baseline?: number;
  samples: number;
}

export type ReducedOutput = { kind: "classes"; classes: number[] } | { kind: "texts"; texts: number[][] } | { kind: "mask"; mask: Uint8Array } | { kind: "values"; values: Float32Array; rows: number };

/** Greedy CTC decoding (argmax per column, merge repeats, drop blank 0): the text each line reads as. */
export function ctcDecode(probabilities: Float32Array, dims: readonly number[]): number[][] {
  const [batch, columns, classes] = dims as [number, number, number];
  const texts: number[][] = [];
  for (let b = 0; b < batch; b += 1) {
    const text: number[] = [];
    let previous = -1;
    for (let t = 0; t < columns; t += 1) {
      const offset = (b * columns + t) * classes;
      let best = 0;
      for (let c = 1; c < classes; c += 1) if (probabilities[offset + c]! > probabilities[offset + best]!) best = c;
      if (best !== previous && best !== 0) text.push(best);
      previous = best;
    }
    texts.push(text);
  }
  return texts;
}

function argmaxRows(logits: Float32Array, classes: number): number[] {
  const rows = logits.length / classes;
  return Array.from({ length: rows }, (_, r) => {
    let best = 0;
    for (let c = 1; c < classes; c += 1) if (logits[r * classes + c]! > logits[r * classes + best]!) best = c;
    return best;
  });
}

/** What the base model's metric reads from one output. */
export function reduceOutput(baseId: string, output: OutputTensor): ReducedOutput {
  switch (baseId) {
    case "digits-mlp":
    case "digits-cnn":
      return { kind: "classes", classes: argmaxRows(output.data, output.dims[output.dims.length - 1]!) };
    case "ocr-rec":
      return { kind: "texts", texts: ctcDecode(output.data, output.dims) };
    case "ocr-det":
      // PaddleOCR's threshold for text pixels.
      return { kind: "mask", mask: Uint8Array.from(output.data, (p) => (p > 0.3 ? 1 : 0)) };
    default:
      return { kind: "values", values: output.data, rows: output.dims[0] ?? 1 };
  }
}

function maskIoU(a: Uint8Array, b: Uint8Array): number {
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] && b[i]) intersection += 1;
    if (a[i] || b[i]) union += 1;
  }
  return union === 0 ? 1 : intersection / union;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

const accuracy = (classes: number[], labels: ArrayLike<number>) => classes.filter((c, i) => c === labels[i]).length / classes.length;

/**
 * The variant's metric from both models' reduced outputs on the same batches
 * (`labels`: the held-out digits' true classes, for accuracy).
 */
export function metricOf(baseId: string, variant: ReducedOutput[], base: ReducedOutput[], labels: ArrayLike<number> | null): Metric {
  if (variant.length === 0 || variant.length !== base.length) throw new Error("the variant and its base must be scored on the same batches");
  const pick = <K extends ReducedOutput["kind"]>(kind: K, outputs: ReducedOutput[]) =>
    outputs.map((o) => {
      if (o.kind !== kind) throw new Error(`expected ${kind} outputs, got ${o.kind}`);
      return o as Extract<ReducedOutput, { kind: K }>;
    });
  switch (baseId) {
    case "digits-mlp":
    case "digits-cnn": {
      if (!labels) throw new Error("accuracy needs the digits' labels");
      const v = pick("classes", variant).flatMap((o) => o.classes);
      const b = pick("classes", base).flatMap((o) => o.classes);
      return { name: "accuracy", value: accuracy(v, labels), baseline: accuracy(b, labels), samples: v.length };
    }
    case "ocr-det": {
      const b = pick("mask", base);
      const ious = pick("mask", variant).map((v, i) => maskIoU(v.mask, b[i]!.mask));
      return { name: "maskIoU", value: ious.reduce((x, y) => x + y, 0) / ious.length, samples: ious.length };
    }
    case "ocr-rec": {
      const v = pick("texts", variant).flatMap((o) => o.texts);
      const b = pick("texts", base).flatMap((o) => o.texts);
      const same = v.filter((text, i) => text.join(",") === b[i]!.join(",")).length;
      return { name: "textAgreement", value: same / b.length, samples: b.length };
    }
    default: {
      const b = pick("values", base);
      const v = pick("values", variant);
      const values = v.map((o, i) => cosine(o.values, b[i]!.values));
      return { name: "cosine", value: Math.min(...values), samples: v.reduce((n, o) => n + o.rows, 0) };
    }
  }
}
