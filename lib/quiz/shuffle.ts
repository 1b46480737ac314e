/**
 * Deterministic shuffling from a 32-bit seed (mulberry32 + Fisher–Yates), shared
 * by the browser (which shows the order) and the server (which stores the seed),
 * so an attempt can be reviewed in the order the learner saw it.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], seed: number, salt = ""): T[] {
  // Each question gets its own stream, so adding a question doesn't reorder the others.
  let mixed = seed >>> 0;
  for (let i = 0; i < salt.length; i++) mixed = Math.imul(mixed ^ salt.charCodeAt(i), 0x01000193) >>> 0;
  const random = mulberry32(mixed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function randomSeed(): number {
  const buffer = new Uint32Array(1);
  crypto.getRandomValues(buffer);
  return buffer[0]!;
}
