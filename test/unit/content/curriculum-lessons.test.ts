import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileLesson, lessonSlugs, listLessons } from "@/lib/content/lessons.server";
import { allQuizzes } from "@/lib/quiz/loader.server";

const root = path.resolve(import.meta.dirname, "..", "..", "..");
const lessonsDir = path.join(root, "content", "lessons");

/** The curriculum lessons written for issue 15 in this branch, with the order the issue numbers them by. */
const CURRICULUM = [
  { slug: "cpu-or-gpu", order: 1, experiments: ["RooflineExperiment", "BatchSweepExperiment", "ThreadsExperiment"] },
  { slug: "latency-is-a-distribution", order: 2, experiments: ["TimingPitfallsExperiment", "LatencyExperiment", "ServingExperiment"] },
  { slug: "latency-vs-throughput", order: 3, experiments: ["LatencyExperiment", "ServingExperiment"] },
  { slug: "batching", order: 4, experiments: ["BatchSweepExperiment"] },
];

const source = (slug: string) => readFileSync(path.join(lessonsDir, slug, "index.mdx"), "utf8");
const folderFiles = (slug: string) => readdirSync(path.join(lessonsDir, slug)).map((f) => path.join(lessonsDir, slug, f));

/** Components the MDX registry gives every lesson, read from the registry's own source (a client module). */
function registryComponents(): string[] {
  const text = readFileSync(path.join(root, "app", "components", "mdx-registry.tsx"), "utf8");
  const body = /lessonComponents[^=]*=\s*\{([\s\S]*?)\};/.exec(text)?.[1] ?? "";
  return body.split(",").map((s) => s.trim()).filter((s) => /^[A-Z]\w*$/.test(s));
}

describe("curriculum lessons 3 and 4", () => {
  it.each(CURRICULUM)("$slug compiles at its curriculum position with objectives, an estimated time and its experiments", async ({ slug, order, experiments }) => {
    const lesson = await compileLesson(slug);
    expect(lesson).not.toBeNull();
    expect(lesson!.order).toBe(order);
    expect(lesson!.objectives.length).toBeGreaterThanOrEqual(3);
    expect(lesson!.experimentCount).toBeGreaterThanOrEqual(experiments.length);
    const mdx = source(slug);
    expect(mdx).toMatch(/^estimatedMinutes: \d+$/m);
    // The page renders the estimated time from frontmatter; the body must not repeat it.
    expect(mdx).not.toMatch(/Estimated time/i);
    for (const name of experiments) expect(mdx).toContain(`<${name} `);
    // The sections every curriculum lesson has, in the table of contents.
    const headings = lesson!.toc.map((entry) => entry.title);
    for (const heading of [/^Predict/, /[Mm]yth/, /^Common pitfalls$/, /^Key takeaways$/, /^Check yourself$/, /^References$/]) {
      expect(headings.some((title) => heading.test(title)), `${slug}: ${heading}`).toBe(true);
    }
  });

  it.each(CURRICULUM)("$slug uses only registered components or its own, and a quiz that exists", ({ slug }) => {
    const mdx = source(slug);
    const registered = new Set(registryComponents());
    expect(registered.has("LatencyExperiment")).toBe(true);
    const imported = new Set([...mdx.matchAll(/^import \{ (\w+) \} from "\.\/(\w+)";$/gm)].map((m) => m[1]!));
    for (const m of mdx.matchAll(/^import \{ \w+ \} from "\.\/(\w+)";$/gm)) expect(existsSync(path.join(lessonsDir, slug, `${m[1]}.tsx`)), m[1]).toBe(true);
    for (const [, name] of mdx.matchAll(/<([A-Z]\w*)[\s/>]/g)) expect(registered.has(name!) || imported.has(name!), `${slug} uses <${name}>`).toBe(true);
    const quizIds = [...mdx.matchAll(/<Quiz id="([^"]+)"/g)].map((m) => m[1]);
    expect(quizIds).toEqual([slug]);
    expect(allQuizzes().has(slug)).toBe(true);
  });

  it.each(CURRICULUM)("$slug draws its figures as SVG with alt text", ({ slug }) => {
    const figures = folderFiles(slug).filter((f) => /Figure\.tsx$/.test(f));
    expect(figures.length).toBeGreaterThanOrEqual(1);
    for (const file of figures) {
      const text = readFileSync(file, "utf8");
      expect(text, file).toMatch(/<svg[^>]*role="img"[^>]*aria-label=\{ALT\}/);
      expect(text, file).toContain("<title>{ALT}</title>");
      const alt = /const ALT =\s*([\s\S]*?);\n/.exec(text)?.[1] ?? "";
      expect(alt.length, file).toBeGreaterThan(150);
      expect(source(slug), file).toContain(`<${path.basename(file, ".tsx")} />`);
    }
  });

  it.each(CURRICULUM)("$slug cites every reference it numbers, with a link and the date it was accessed", ({ slug }) => {
    const mdx = source(slug);
    const [body, references] = mdx.split(/^## References$/m);
    expect(references).toBeDefined();
    const listed = [...references!.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
    expect(listed.length).toBeGreaterThanOrEqual(2);
    const cited = new Set([...body!.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
    for (const n of cited) expect(listed, `${slug} cites [${n}]`).toContain(n);
    for (const n of listed) expect(cited.has(n), `${slug} lists [${n}] but never cites it`).toBe(true);
    const external = references!.split(/^\d+\. /m).filter((entry) => /https?:\/\//.test(entry));
    for (const entry of external) expect(entry, entry.slice(0, 60)).toMatch(/\(accessed \d{1,2} \w+ \d{4}\)/);
  });

  it("places the lessons between their neighbours in the declared order", async () => {
    const lessons = await listLessons();
    const slugs = lessons.map((l) => l.slug);
    expect(slugs.indexOf("batching")).toBe(slugs.indexOf("latency-vs-throughput") + 1);
    expect(lessonSlugs()).toEqual(expect.arrayContaining(CURRICULUM.map((c) => c.slug)));
  });
});
