/**
 * The dense and convolution layers the trainer (train-mlp.ts) learns and the
 * ONNX writer (mlp.ts) writes, apart from both so neither imports the other.
 */
import { seededRandom } from "@/lib/random";

export interface DenseLayer {
  /** Row-major [in, out], so the graph computes input · weights. */
  weights: Float32Array;
  bias: Float32Array;
  inWidth: number;
  outWidth: number;
}

/**
 * A convolution run as a dense layer over image patches (im2col): `layer` maps
 * one kernel×kernel patch (inWidth = kernel²) to `filters` channels (outWidth),
 * shared by every output position. Its output is laid out [item][position][filter].
 */
export interface ConvFrontEnd {
  layer: DenseLayer;
  kernel: number;
  stride: number;
  /** Side of the square single-channel input image. */
  side: number;
}

export function convOutputSide(front: Pick<ConvFrontEnd, "kernel" | "stride" | "side">): number {
  return Math.floor((front.side - front.kernel) / front.stride) + 1;
}

/**
 * He-uniform weights from a seeded generator: activations keep their scale
 * through the stack (no overflow to inf at 4096 wide), and every build writes
 * byte-identical files. Biases are zero (what training starts from) unless
 * `biasRange` asks for uniform ones, drawn after each layer's weights.
 */
export function heUniformLayers(widths: readonly number[], seed: number, biasRange = 0): DenseLayer[] {
  const random = seededRandom(seed);
  const layers: DenseLayer[] = [];
  for (let index = 0; index + 1 < widths.length; index += 1) {
    const inWidth = widths[index]!;
    const outWidth = widths[index + 1]!;
    const limit = Math.sqrt(6 / inWidth);
    const weights = new Float32Array(inWidth * outWidth);
    for (let i = 0; i < weights.length; i += 1) weights[i] = (random() * 2 - 1) * limit;
    const bias = new Float32Array(outWidth);
    if (biasRange > 0) for (let i = 0; i < outWidth; i += 1) bias[i] = (random() * 2 - 1) * biasRange;
    layers.push({ weights, bias, inWidth, outWidth });
  }
  return layers;
}

/** The generated roofline stacks: random biases too, so no output is trivially zero. */
export function randomLayers(widths: readonly number[], seed: number): DenseLayer[] {
  return heUniformLayers(widths, seed, 0.1);
}
