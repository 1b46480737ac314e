import "server-only";
/**
 * Text-like images for the OCR models, composed from real handwritten MNIST
 * digits (no text-line images ship in any installed package): dark ink on a
 * light page, lines of digits at varied sizes, as the detector and recognizer
 * expect. Deterministic per seed.
 */
import { type DigitSet, PIXELS } from "./mnist.server";
import { seededRandom } from "@/lib/random";

export interface GrayImage {
  width: number;
  height: number;
  /** 0 = black ink, 1 = white paper. */
  values: Float32Array;
}

function pasteDigit(image: GrayImage, set: DigitSet, index: number, x0: number, y0: number, size: number): void {
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const px = x0 + x;
      const py = y0 + y;
      if (px < 0 || py < 0 || px >= image.width || py >= image.height) continue;
      const sx = Math.min(27, Math.floor((x * 28) / size));
      const sy = Math.min(27, Math.floor((y * 28) / size));
      const ink = set.pixels[index * PIXELS + sy * 28 + sx]!;
      const target = py * image.width + px;
      image.values[target] = Math.min(image.values[target]!, 1 - 0.9 * ink);
    }
  }
}

/** A page with several lines of digits: input for the text detector. Returns the image and the ink mask's bounding boxes. */
export function textPage(set: DigitSet, width: number, height: number, seed: number): GrayImage {
  const random = seededRandom(seed);
  const image: GrayImage = { width, height, values: new Float32Array(width * height).fill(0.92 + 0.08 * random()) };
  let y = 8 + Math.floor(random() * 16);
  while (y < height - 24) {
    const size = 18 + Math.floor(random() * 16);
    let x = 8 + Math.floor(random() * 40);
    const length = 3 + Math.floor(random() * 8);
    for (let i = 0; i < length && x + size < width; i += 1) {
      pasteDigit(image, set, Math.floor(random() * set.count), x, y, size);
      x += Math.floor(size * 0.75);
    }
    y += size + 10 + Math.floor(random() * 24);
  }
  return image;
}

/** One 48-pixel-high line of digits: input for the recognizer and orientation classifier. */
export function textLine(set: DigitSet, width: number, height: number, seed: number): GrayImage {
  const random = seededRandom(seed);
  const image: GrayImage = { width, height, values: new Float32Array(width * height).fill(0.95) };
  const size = Math.floor(height * 0.8);
  let x = 4;
  const length = 4 + Math.floor(random() * 8);
  for (let i = 0; i < length && x + size < width; i += 1) {
    pasteDigit(image, set, Math.floor(random() * set.count), x, Math.floor((height - size) / 2), size);
    x += Math.floor(size * 0.7);
  }
  return image;
}

/** NCHW float tensor data with PaddleOCR's per-channel normalization (gray replicated to RGB). */
export function toNchw(images: readonly GrayImage[], mean: readonly number[], std: readonly number[]): Float32Array {
  const { width, height } = images[0]!;
  const plane = width * height;
  const data = new Float32Array(images.length * 3 * plane);
  images.forEach((image, n) => {
    for (let c = 0; c < 3; c += 1) {
      const offset = (n * 3 + c) * plane;
      for (let i = 0; i < plane; i += 1) data[offset + i] = (image.values[i]! - mean[c]!) / std[c]!;
    }
  });
  return data;
}

export const DETECTOR_NORMALIZATION = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;
export const RECOGNIZER_NORMALIZATION = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } as const;
