/**
 * A plain-TypeScript trainer for small MLPs (ReLU hidden layers, softmax
 * cross-entropy, Adam). No ML package trains in Node without native builds or
 * downloads, and an MLP on 8,000 digits is small enough for hand-written loops.
 * Deterministic: seeded init and shuffling, single-threaded float32 arithmetic.
 */
import { convOutputSide, type ConvFrontEnd, type DenseLayer, heUniformLayers } from "./layers";
import { seededRandom } from "@/lib/random";

export interface TrainOptions {
  widths: readonly number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** L2 weight decay (decoupled, AdamW style): small nets on 8k digits overfit without it. */
  weightDecay?: number;
  /** Rewrites one training sample in place (e.g. a random shift) each time it is drawn. */
  augment?: (sample: Float32Array, random: () => number) => void;
  onEpoch?: (epoch: number, loss: number) => void;
}

interface AdamState {
  m: Float32Array;
  v: Float32Array;
}

/** out[b, j] = bias[j] + Σ_k x[b, k] · W[k, j]; zero inputs are skipped (most MNIST pixels are 0). */
function dense(x: Float32Array, batch: number, layer: DenseLayer, out: Float32Array): void {
  const { weights, bias, inWidth, outWidth } = layer;
  for (let b = 0; b < batch; b += 1) {
    const row = b * outWidth;
    for (let j = 0; j < outWidth; j += 1) out[row + j] = bias[j]!;
    for (let k = 0; k < inWidth; k += 1) {
      const xv = x[b * inWidth + k]!;
      if (xv === 0) continue;
      const wRow = k * outWidth;
      for (let j = 0; j < outWidth; j += 1) out[row + j]! += xv * weights[wRow + j]!;
    }
  }
}

/** [batch, side²] images → [batch · positions, kernel²] patches. */
function patches(x: Float32Array, batch: number, front: ConvFrontEnd): Float32Array {
  const { kernel, stride, side } = front;
  const outSide = convOutputSide(front);
  const out = new Float32Array(batch * outSide * outSide * kernel * kernel);
  let o = 0;
  for (let b = 0; b < batch; b += 1) {
    const image = b * side * side;
    for (let oy = 0; oy < outSide; oy += 1) {
      for (let ox = 0; ox < outSide; ox += 1) {
        for (let ky = 0; ky < kernel; ky += 1) {
          const row = image + (oy * stride + ky) * side + ox * stride;
          for (let kx = 0; kx < kernel; kx += 1) out[o++] = x[row + kx]!;
        }
      }
    }
  }
  return out;
}

function relu(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i += 1) if (values[i]! < 0) values[i] = 0;
  return values;
}

/** The convolution's ReLU output, flattened per item: the dense head's input. */
function convForward(front: ConvFrontEnd, x: Float32Array, batch: number): { patchRows: Float32Array; features: Float32Array } {
  const patchRows = patches(x, batch, front);
  const rows = patchRows.length / front.layer.inWidth;
  const features = new Float32Array(rows * front.layer.outWidth);
  dense(patchRows, rows, front.layer, features);
  return { patchRows, features: relu(features) };
}

export function predictLogits(layers: readonly DenseLayer[], x: Float32Array, batch: number, front?: ConvFrontEnd): Float32Array {
  let current = front ? convForward(front, x, batch).features : x;
  layers.forEach((layer, index) => {
    const out = new Float32Array(batch * layer.outWidth);
    dense(current, batch, layer, out);
    if (index < layers.length - 1) relu(out);
    current = out;
  });
  return current;
}

export function argmaxRows(values: Float32Array, width: number): Uint8Array {
  const rows = values.length / width;
  const result = new Uint8Array(rows);
  for (let r = 0; r < rows; r += 1) {
    let best = 0;
    for (let j = 1; j < width; j += 1) if (values[r * width + j]! > values[r * width + best]!) best = j;
    result[r] = best;
  }
  return result;
}

export function accuracy(predicted: Uint8Array, labels: Uint8Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i += 1) if (predicted[i] === labels[i]) correct += 1;
  return correct / labels.length;
}

export function trainMlp(pixels: Float32Array, labels: Uint8Array, options: TrainOptions): DenseLayer[] {
  return trainNetwork(pixels, labels, options).layers;
}

export interface ConvOptions {
  kernel: number;
  stride: number;
  filters: number;
  side: number;
}

/**
 * Trains a dense head, optionally behind one convolution (ReLU) over square
 * single-channel images. With a convolution, `widths[0]` must equal its output
 * size (positions × filters).
 */
export function trainNetwork(
  pixels: Float32Array,
  labels: Uint8Array,
  options: TrainOptions & { conv?: ConvOptions },
): { layers: DenseLayer[]; front?: ConvFrontEnd } {
  const { widths, epochs, batchSize, learningRate, seed, weightDecay = 0, conv } = options;
  const inputWidth = conv ? conv.side * conv.side : widths[0]!;
  const classes = widths[widths.length - 1]!;
  const count = labels.length;
  const layers = heUniformLayers(widths, seed);
  const front: ConvFrontEnd | undefined = conv && { layer: heUniformLayers([conv.kernel * conv.kernel, conv.filters], seed + 2)[0]!, ...conv };
  if (front && convOutputSide(front) ** 2 * conv!.filters !== widths[0]) {
    throw new Error(`widths[0] must be the convolution's output size, ${convOutputSide(front) ** 2 * conv!.filters}`);
  }
  const random = seededRandom(seed + 1);
  const trained = front ? [front.layer, ...layers] : layers;
  const adam = trained.map((l) => ({
    w: { m: new Float32Array(l.weights.length), v: new Float32Array(l.weights.length) } as AdamState,
    b: { m: new Float32Array(l.bias.length), v: new Float32Array(l.bias.length) } as AdamState,
  }));
  const gradW = trained.map((l) => new Float32Array(l.weights.length));
  const gradB = trained.map((l) => new Float32Array(l.bias.length));
  const order = Array.from({ length: count }, (_, i) => i);
  const x = new Float32Array(batchSize * inputWidth);
  let step = 0;
  const beta1 = 0.9;
  const beta2 = 0.999;

  const update = (param: Float32Array, grad: Float32Array, state: AdamState, lr: number, decay: number) => {
    const c1 = 1 - beta1 ** step;
    const c2 = 1 - beta2 ** step;
    for (let i = 0; i < param.length; i += 1) {
      const g = grad[i]!;
      state.m[i] = beta1 * state.m[i]! + (1 - beta1) * g;
      state.v[i] = beta2 * state.v[i]! + (1 - beta2) * g * g;
      param[i]! -= lr * ((state.m[i]! / c1) / (Math.sqrt(state.v[i]! / c2) + 1e-8) + decay * param[i]!);
    }
  };

  /** Accumulates a dense layer's weight and bias gradients over `rows` input rows. */
  const accumulate = (layer: DenseLayer, input: Float32Array, delta: Float32Array, rows: number, gW: Float32Array, gB: Float32Array) => {
    gW.fill(0);
    gB.fill(0);
    for (let b = 0; b < rows; b += 1) {
      for (let j = 0; j < layer.outWidth; j += 1) gB[j]! += delta[b * layer.outWidth + j]!;
      for (let k = 0; k < layer.inWidth; k += 1) {
        const xv = input[b * layer.inWidth + k]!;
        if (xv === 0) continue;
        const row = k * layer.outWidth;
        for (let j = 0; j < layer.outWidth; j += 1) gW[row + j]! += xv * delta[b * layer.outWidth + j]!;
      }
    }
  };

  for (let epoch = 0; epoch < epochs; epoch += 1) {
    for (let i = count - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let epochLoss = 0;
    for (let start = 0; start < count; start += batchSize) {
      const batch = Math.min(batchSize, count - start);
      for (let b = 0; b < batch; b += 1) {
        x.set(pixels.subarray(order[start + b]! * inputWidth, (order[start + b]! + 1) * inputWidth), b * inputWidth);
        options.augment?.(x.subarray(b * inputWidth, (b + 1) * inputWidth), random);
      }
      const convolved = front ? convForward(front, x, batch) : undefined;
      const activations: Float32Array[] = [convolved ? convolved.features : x];
      layers.forEach((layer, index) => {
        const out = new Float32Array(batch * layer.outWidth);
        dense(activations[index]!, batch, layer, out);
        if (index < layers.length - 1) relu(out);
        activations.push(out);
      });
      // Softmax cross-entropy gradient: p - onehot, averaged over the batch.
      const logits = activations[activations.length - 1]!;
      let delta = new Float32Array(batch * classes);
      for (let b = 0; b < batch; b += 1) {
        let max = -Infinity;
        for (let c = 0; c < classes; c += 1) max = Math.max(max, logits[b * classes + c]!);
        let sum = 0;
        for (let c = 0; c < classes; c += 1) sum += Math.exp(logits[b * classes + c]! - max);
        const label = labels[order[start + b]!]!;
        for (let c = 0; c < classes; c += 1) {
          const p = Math.exp(logits[b * classes + c]! - max) / sum;
          delta[b * classes + c] = (p - (c === label ? 1 : 0)) / batch;
          if (c === label) epochLoss -= Math.log(Math.max(p, 1e-12));
        }
      }
      const offset = front ? 1 : 0;
      for (let index = layers.length - 1; index >= 0; index -= 1) {
        const layer = layers[index]!;
        const input = activations[index]!;
        accumulate(layer, input, delta, batch, gradW[index + offset]!, gradB[index + offset]!);
        if (index > 0 || front) {
          const previous = new Float32Array(batch * layer.inWidth);
          for (let b = 0; b < batch; b += 1) {
            for (let k = 0; k < layer.inWidth; k += 1) {
              if (input[b * layer.inWidth + k] === 0) continue; // ReLU gate: no gradient through inactive units
              let sum = 0;
              const row = k * layer.outWidth;
              for (let j = 0; j < layer.outWidth; j += 1) sum += layer.weights[row + j]! * delta[b * layer.outWidth + j]!;
              previous[b * layer.inWidth + k] = sum;
            }
          }
          delta = previous;
        }
      }
      // The head's input gradient, [item][position][filter], is the convolution's output gradient per patch row.
      if (front && convolved) accumulate(front.layer, convolved.patchRows, delta, convolved.patchRows.length / front.layer.inWidth, gradW[0]!, gradB[0]!);
      step += 1;
      // Cosine decay: large steps early, fine ones at the end, without tuning a schedule per run.
      const progress = (epoch + start / count) / epochs;
      const lr = learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
      trained.forEach((layer, index) => {
        update(layer.weights, gradW[index]!, adam[index]!.w, lr, weightDecay);
        update(layer.bias, gradB[index]!, adam[index]!.b, lr, 0);
      });
    }
    options.onEpoch?.(epoch, epochLoss / count);
  }
  return { layers, front };
}

/**
 * Moves a 28×28 digit by up to `maxShift` pixels in each direction: with only
 * 8,000 training digits, an MLP memorizes exact pixel positions; shifted copies
 * teach it that a 3 is a 3 one pixel to the left too (+1 to 2 points of accuracy).
 */
export function randomShift(maxShift: number, side = 28): (sample: Float32Array, random: () => number) => void {
  const scratch = new Float32Array(side * side);
  return (sample, random) => {
    const dx = Math.floor(random() * (2 * maxShift + 1)) - maxShift;
    const dy = Math.floor(random() * (2 * maxShift + 1)) - maxShift;
    if (dx === 0 && dy === 0) return;
    scratch.fill(0);
    for (let y = 0; y < side; y += 1) {
      const sy = y - dy;
      if (sy < 0 || sy >= side) continue;
      for (let x = 0; x < side; x += 1) {
        const sx = x - dx;
        if (sx >= 0 && sx < side) scratch[y * side + x] = sample[sy * side + sx]!;
      }
    }
    sample.set(scratch);
  };
}
