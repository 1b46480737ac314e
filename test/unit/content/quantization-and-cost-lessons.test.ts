import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileLesson, lessonsRoot } from "@/lib/content/lessons.server";

/**
 * Issue 15's rules for lessons 6 (quantization) and 7 (cost, power and TCO), checked on their sources:
 * they compile in their place, predict before they measure, use only registered experiments,
 * give every figure alternative text, cite what they do not measure, and copy no seed sentence.
 */
const LESSONS = [
  { slug: "quantization", order: 6, experiments: 4 },
  { slug: "cost-power-and-tco", order: 7, experiments: 2 },
];
const root = path.resolve(import.meta.dirname, "..", "..", "..");
const read = (slug: string, file = "index.mdx") => readFileSync(path.join(lessonsRoot(), slug, file), "utf8");

describe.each(LESSONS)("lesson $slug", ({ slug, order, experiments }) => {
  it("compiles at its place in the curriculum with its experiments counted", async () => {
    const lesson = await compileLesson(slug);
    expect(lesson).not.toBeNull();
    const compiled = await lesson!;
    expect(compiled.order).toBe(order);
    expect(compiled.experimentCount).toBe(experiments);
    expect(compiled.objectives.length).toBeGreaterThanOrEqual(3);
    const headings = compiled.toc.map((entry) => entry.title);
    for (const section of ["Myths, tested", "Common pitfalls", "Key takeaways", "Check yourself", "References"]) expect(headings, section).toContain(section);
  });

  it("asks for a prediction before its first experiment, states an estimated time, and uses only registered experiments", () => {
    const source = read(slug);
    const predict = source.indexOf("<PredictThenMeasure");
    const firstExperiment = source.search(/<[A-Z][A-Za-z]*Experiment\b/);
    expect(predict).toBeGreaterThan(0);
    expect(predict).toBeLessThan(firstExperiment);
    expect(source).toMatch(/^estimatedMinutes: \d+$/m);
    expect(source).not.toMatch(/Estimated time/i);
    const registry = readFileSync(path.join(root, "app", "components", "mdx-registry.tsx"), "utf8");
    for (const [, name] of source.matchAll(/<([A-Z][A-Za-z]*Experiment)\b/g)) expect(registry, name).toMatch(new RegExp(`^\\s+${name},$`, "m"));
    expect(source).toContain(`<Quiz id="${slug}" />`);
    // The MDX pipeline has no GitHub-flavoured Markdown: a pipe table would render as a paragraph of pipes.
    expect(source, "use a JSX <table> or a list").not.toMatch(/^\|.*\|\s*$/m);
  });

  it("gives every figure a title and a description for screen readers", () => {
    const figures = readdirSync(path.join(lessonsRoot(), slug)).filter((f) => f.endsWith("Figure.tsx"));
    expect(figures.length).toBeGreaterThan(0);
    for (const file of figures) {
      const svg = read(slug, file);
      expect(svg, file).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="([^"]+) ([^"]+)"/);
      expect(svg, file).toMatch(/<title id=/);
      expect(svg, file).toMatch(/<desc id=/);
      expect(read(slug), file).toContain(`<${file.replace(/\.tsx$/, "")} />`);
    }
  });

  it("dates every web source it cites", () => {
    const references = read(slug).split("## References")[1]!;
    const links = [...references.matchAll(/\]\((https:\/\/[^)]+)\)/g)];
    for (const item of references.split(/\n(?=\d+\. )/).filter((entry) => /https:\/\//.test(entry))) expect(item.replace(/\s+/g, " ")).toMatch(/accessed 2026-\d\d-\d\d/);
    expect(links.length).toBeGreaterThan(0);
  });

  it("copies no run of 12 consecutive words from a seed document", (context) => {
    const seeds = path.resolve(root, "..", "shared", "seeds");
    if (!existsSync(seeds)) {
      context.skip(`no seed documents at ${seeds}`);
      return;
    }
    const words = (text: string) => text.toLowerCase().replace(/[^a-z0-9']+/g, " ").trim().split(" ").filter(Boolean);
    const runs = new Set<string>();
    for (const file of readdirSync(seeds)) {
      const w = words(readFileSync(path.join(seeds, file), "utf8"));
      for (let i = 0; i + 12 <= w.length; i += 1) runs.add(w.slice(i, i + 12).join(" "));
    }
    const lessonText = readdirSync(path.join(lessonsRoot(), slug)).map((f) => read(slug, f)).join("\n");
    const w = words(lessonText);
    const copied: string[] = [];
    for (let i = 0; i + 12 <= w.length; i += 1) if (runs.has(w.slice(i, i + 12).join(" "))) copied.push(w.slice(i, i + 12).join(" "));
    expect(copied).toEqual([]);
  });
});
