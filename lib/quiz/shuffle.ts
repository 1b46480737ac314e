/**
 * Deterministic shuffling from a 32-bit seed (mulberry32 + Fisher–Yates), shared
 * by the browser (which shows the order) and the server (which stores the seed),
 * so an attempt can be reviewed in the order the learner saw it.
 */
import { hashString, seededRandom } from "@/lib/random";

export function shuffled<T>(items: readonly T[], seed: number, salt = ""): T[] {
  // Each question gets its own stream, so adding a question doesn't reorder the others.
  const random = seededRandom(hashString(salt, seed));
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Seeds are stored in a 32-bit signed column (PostgreSQL's integer): 31 random bits. */
export const MAX_SEED = 0x7fffffff;

export function randomSeed(): number {
  const buffer = new Uint32Array(1);
  crypto.getRandomValues(buffer);
  return buffer[0]! >>> 1;
}
