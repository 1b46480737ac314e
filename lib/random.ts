/**
 * mulberry32: a tiny seeded generator, identical in every JavaScript engine, so
 * Node and the browser draw the same tensors and the same quiz shuffles.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * FNV-1a over a string's UTF-16 code units, from `basis` (FNV's offset basis
 * unless given): turns a name, or a seed and a name, into a 32-bit seed.
 */
export function hashString(text: string, basis = 2166136261): number {
  let hash = basis >>> 0;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return hash;
}
