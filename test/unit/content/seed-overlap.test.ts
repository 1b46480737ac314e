import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The seed documents are sources of facts, never of sentences: no run of RUN consecutive words of
 * any of them may appear anywhere under content/ (lessons, quizzes, components, the glossary).
 * They live beside the repository (../shared/seeds) on the machine the lessons are written on,
 * not in clones of it, so the check is skipped, saying so, where they are absent.
 */
const RUN = 12;
const root = path.resolve(import.meta.dirname, "..", "..", "..");
const seedsDir = path.resolve(root, "..", "shared", "seeds");
const contentDir = path.join(root, "content");

/** Case, punctuation and markup do not make a copied sentence one's own: compare words only. */
function normalisedWords(text: string): string[] {
  return text.toLowerCase().replace(/['’]/g, "").match(/[a-z0-9]+/g) ?? [];
}

function runsOf(words: string[]): string[] {
  const runs: string[] = [];
  for (let i = 0; i + RUN <= words.length; i += 1) runs.push(words.slice(i, i + RUN).join(" "));
  return runs;
}

function textFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(mdx?|tsx?|json|txt)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe("seed documents", () => {
  it("normalises case and punctuation before comparing", () => {
    expect(normalisedWords("The GPU's cores: *many*, (simple) — don't.")).toEqual(["the", "gpus", "cores", "many", "simple", "dont"]);
  });

  it(`no run of ${RUN} consecutive words of a seed appears under content/`, (context) => {
    if (!existsSync(seedsDir)) context.skip(`seed documents not found at ${seedsDir}; the overlap check runs only where they are`);
    const seedRuns = new Set<string>();
    const seeds = readdirSync(seedsDir).filter((name) => !name.startsWith("."));
    for (const name of seeds) for (const run of runsOf(normalisedWords(readFileSync(path.join(seedsDir, name), "utf8")))) seedRuns.add(run);
    // A seed folder that yields nothing would make this test pass vacuously.
    expect(seedRuns.size, `runs read from ${seeds.join(", ")}`).toBeGreaterThan(1000);
    const copied: string[] = [];
    for (const file of textFiles(contentDir)) {
      for (const run of runsOf(normalisedWords(readFileSync(file, "utf8")))) {
        if (seedRuns.has(run)) copied.push(`${path.relative(root, file)}: "${run}"`);
      }
    }
    expect(copied).toEqual([]);
  });
});
