import "server-only";

/**
 * Numeric questions may check against the learner's own stored experiment
 * result (`"fromResult": "<name>"` in quiz.json). Whoever stores results
 * registers a resolver under that name; without one (or without a result)
 * the question can't be right yet and its feedback says so.
 */
export type ResultResolver = (userId: string) => Promise<number | null>;

const resolvers = new Map<string, ResultResolver>();

export function registerResultResolver(name: string, resolver: ResultResolver): void {
  resolvers.set(name, resolver);
}

export async function resolveResult(name: string, userId: string): Promise<number | null> {
  const resolver = resolvers.get(name);
  if (!resolver) return null;
  const value = await resolver(userId);
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
