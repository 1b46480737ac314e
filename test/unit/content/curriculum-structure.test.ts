import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GLOSSARY_IDS } from "@/content/glossary/terms";
import { compileLesson, lessonSlugs, listLessons } from "@/lib/content/lessons.server";
import { allQuizzes, loadLessonQuiz } from "@/lib/quiz/loader.server";
import { RESULT_RESOLVER_NAMES } from "@/lib/quiz/resolvers.server";
import { resultRefSchema } from "@/lib/quiz/result-ref";

/** Checks every lesson in content/lessons must pass; the curriculum's slug → order table names the nine. */
const root = path.resolve(import.meta.dirname, "..", "..", "..");
const contentDir = path.join(root, "content");
const lessonsDir = path.join(contentDir, "lessons");
const appDir = path.join(root, "app");

/** Issue 15's nine lessons: slug → order. A lesson folder that is not listed here fails the order check. */
const CURRICULUM_ORDER: Record<string, number> = {
  "cpu-or-gpu": 1,
  "latency-is-a-distribution": 2,
  "latency-vs-throughput": 3,
  batching: 4,
  "serving-and-dynamic-batching": 5,
  quantization: 6,
  "cost-power-and-tco": 7,
  "hybrid-cpu-gpu-serving": 8,
  "choosing-hardware": 9,
};

const slugs = lessonSlugs();

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const lessonFiles = (slug: string) => filesUnder(path.join(lessonsDir, slug)).filter((file) => /\.(mdx|tsx?)$/.test(file));
const read = (file: string) => readFileSync(file, "utf8");
const rel = (file: string) => path.relative(root, file);

/** Components the MDX registry gives every lesson, read from the registry's own source (a client module). */
function registryComponents(): Set<string> {
  const text = read(path.join(appDir, "components", "mdx-registry.tsx"));
  const body = /lessonComponents[^=]*=\s*\{([\s\S]*?)\};/.exec(text)?.[1] ?? "";
  return new Set(body.split(",").map((s) => s.trim()).filter((s) => /^[A-Z]\w*$/.test(s)));
}

/** Does a page or route handler under app/ answer this path? Route groups "(x)" add no segment; "[x]" matches any. */
function routeExists(pathname: string): boolean {
  const segments = pathname.split("/").filter(Boolean);
  const search = (dir: string, rest: string[]): boolean => {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
    const children = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    if (rest.length === 0) {
      if (["page.tsx", "page.ts", "route.ts"].some((name) => existsSync(path.join(dir, name)))) return true;
      return children.some((child) => /^\(.*\)$/.test(child.name) && search(path.join(dir, child.name), rest));
    }
    const [head, ...tail] = rest;
    return children.some((child) => {
      const full = path.join(dir, child.name);
      if (/^\(.*\)$/.test(child.name)) return search(full, rest);
      if (/^\[\[?\.\.\..*\]\]?$/.test(child.name)) return true;
      if (/^\[.*\]$/.test(child.name)) return search(full, tail);
      return child.name === head && search(full, tail);
    });
  };
  return search(appDir, segments);
}

/** Site-internal links in MDX or TSX: markdown `](/…)`, `href="/…"` and `href={"/…"}`. */
function internalLinks(text: string): string[] {
  const links = [
    ...[...text.matchAll(/\]\((\/[^)\s]*)\)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/href=\{?["'`](\/[^"'`]*)["'`]\}?/g)].map((m) => m[1]!),
  ];
  return links.filter((link) => !link.startsWith("//") && !link.includes("${"));
}

/** Where a link goes, or why it goes nowhere. */
function linkProblem(link: string): string | null {
  const [pathname = "", hash] = link.split("#");
  const clean = pathname.split("?")[0]!.replace(/\/$/, "") || "/";
  if (clean === "/glossary") {
    if (hash !== undefined && !GLOSSARY_IDS.has(hash)) return `no glossary term "${hash}" (content/glossary/terms.ts)`;
    return null;
  }
  const lesson = /^\/lessons\/([^/]+)$/.exec(clean);
  if (lesson) return slugs.includes(lesson[1]!) ? null : `no lesson "${lesson[1]}"`;
  return routeExists(clean) ? null : `no page or route under app/ answers ${clean}`;
}

/** Opening tags of one element name, attributes included (they may span lines). */
const openingTags = (text: string, name: string) => [...text.matchAll(new RegExp(`<${name}(?=[\\s>/])[^>]*>`, "g"))].map((m) => m[0]);

function accessibilityProblems(file: string): string[] {
  const text = read(file);
  const problems: string[] = [];
  const ids = new Set([...text.matchAll(/\bid=["']([^"']+)["']/g)].map((m) => m[1]!));
  for (const tag of openingTags(text, "svg")) {
    if (/aria-hidden=(?:"true"|\{true\})/.test(tag)) continue;
    const labelledBy = /aria-labelledby="([^"]+)"/.exec(tag)?.[1];
    const named = /aria-label=/.test(tag) || (labelledBy !== undefined && labelledBy.split(/\s+/).every((id) => ids.has(id)));
    if (!/role="img"/.test(tag) || !named) problems.push(`${rel(file)}: <svg> needs role="img" and aria-label or aria-labelledby naming ids in the file, or aria-hidden: ${tag.slice(0, 80)}`);
  }
  for (const tag of openingTags(text, "img")) if (!/\balt=/.test(tag)) problems.push(`${rel(file)}: <img> without alt: ${tag.slice(0, 80)}`);
  // A <figure> is named by its caption, a label, or the named picture inside it.
  for (const match of text.matchAll(/<figure(?=[\s>])[^>]*>([\s\S]*?)<\/figure>/g)) {
    const [tag, inner] = [match[0].slice(0, match[0].indexOf(">") + 1), match[1]!];
    if (!/<figcaption|<svg|<img|<Figure|aria-label/.test(tag + inner)) problems.push(`${rel(file)}: <figure> without a caption, a label or a picture`);
  }
  for (const tag of openingTags(text, "Figure")) if (!/caption=/.test(tag)) problems.push(`${rel(file)}: <Figure> without a caption`);
  return problems;
}

describe.skipIf(slugs.length === 0)("every lesson", () => {
  it("are the curriculum's nine, each at its order, the home page's list in that order", async () => {
    const lessons = await listLessons();
    expect(lessons.map((lesson) => lesson.slug)).toEqual(Object.entries(CURRICULUM_ORDER).sort(([, a], [, b]) => a - b).map(([slug]) => slug));
    for (const lesson of lessons) {
      expect(lesson.order, lesson.slug).toBe(CURRICULUM_ORDER[lesson.slug]);
      expect(Number.isInteger(lesson.estimatedMinutes) && lesson.estimatedMinutes > 0, lesson.slug).toBe(true);
    }
  });

  it.each(slugs)("%s compiles with an estimated time, objectives, and no hand-written time or pager", async (slug) => {
    const lesson = await compileLesson(slug);
    expect(lesson).not.toBeNull();
    expect(lesson!.estimatedMinutes).toBeGreaterThan(0);
    expect(lesson!.objectives.length).toBeGreaterThanOrEqual(1);
    const mdx = read(path.join(lessonsDir, slug, "index.mdx"));
    expect(mdx, "the page renders the estimated time from frontmatter").not.toMatch(/Estimated time/i);
    expect(mdx, "the page renders previous/next links").not.toMatch(/rel="(?:prev|next)"/);
  });

  it.each(slugs)("%s uses only registered components or files that exist beside it", (slug) => {
    const registered = registryComponents();
    const dir = path.join(lessonsDir, slug);
    const mdx = read(path.join(dir, "index.mdx"));
    const imported = new Set<string>();
    for (const [, names, from] of mdx.matchAll(/^import\s+\{([^}]+)\}\s+from\s+"([^"]+)";?$/gm)) {
      if (from!.startsWith(".")) {
        const target = path.resolve(dir, from!);
        expect([".tsx", ".ts", "/index.tsx", ".mdx"].some((ext) => existsSync(target + ext)) || existsSync(target), `${slug} imports ${from}`).toBe(true);
      }
      for (const name of names!.split(",")) imported.add(name.trim().split(/\s+as\s+/).pop()!);
    }
    const used = [...mdx.matchAll(/<([A-Z]\w*)[\s/>]/g)].map((m) => m[1]!);
    for (const name of used) expect(registered.has(name) || imported.has(name), `${slug} uses <${name}>, neither registered nor imported`).toBe(true);
    for (const name of imported) {
      if (/Experiment$/.test(name)) expect(registered.has(name), `${slug} imports ${name}: experiments are registered in mdx-registry`).toBe(true);
    }
  });

  it.each(slugs)("%s embeds quizzes that exist", (slug) => {
    const mdx = read(path.join(lessonsDir, slug, "index.mdx"));
    const quizzes = allQuizzes();
    const ids = [...mdx.matchAll(/<Quiz\s+id="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length, `${slug} embeds no <Quiz>`).toBeGreaterThanOrEqual(1);
    for (const id of ids) expect(quizzes.has(id), `${slug}: quiz ${id}`).toBe(true);
    expect(existsSync(path.join(lessonsDir, slug, "quiz.json")), `${slug}/quiz.json`).toBe(true);
  });

  it.for(slugs)("%s has a quiz of six or more questions, every choice explained, two or more checked against the learner's own results", (slug) => {
    const loaded = loadLessonQuiz(slug);
    expect(loaded, `${slug}/quiz.json`).not.toBeNull();
    const { questions } = loaded!.quiz;
    expect(questions.length).toBeGreaterThanOrEqual(6);
    for (const question of questions) {
      if (question.type === "numeric") expect(question.explanation.trim().length, question.id).toBeGreaterThan(20);
      else for (const choice of question.choices) expect(choice.explanation.trim().length, `${question.id}/${choice.id}`).toBeGreaterThan(10);
    }
    const fromResult = questions.flatMap((q) => (q.type === "numeric" && q.fromResult !== undefined ? [q.fromResult] : []));
    expect(fromResult.length).toBeGreaterThanOrEqual(2);
    for (const ref of fromResult) {
      if (typeof ref === "string") expect(RESULT_RESOLVER_NAMES, `resolver ${ref}`).toContain(ref);
      else expect(resultRefSchema.safeParse(ref).success, JSON.stringify(ref)).toBe(true);
    }
  });

  // Issue 15's "every lesson has": a live experiment with a prediction before it, its own figure, the myths,
  // pitfalls and takeaways sections, and a references list matching what the prose cites.
  it.each(slugs)("%s has a predicted experiment, its own figure, myths, pitfalls, takeaways and references", async (slug) => {
    const lesson = (await compileLesson(slug))!;
    const mdx = read(path.join(lessonsDir, slug, "index.mdx"));
    expect(lesson.experimentCount, "live experiments").toBeGreaterThanOrEqual(1);
    const firstPredict = mdx.search(/<[A-Z]\w*Predict\w*[\s/>]|<Predict\w*[\s/>]/);
    expect(firstPredict, "a predict-first step (a component whose name contains Predict)").toBeGreaterThanOrEqual(0);
    expect(/<[A-Z]\w*Experiment[\s/>]/.test(mdx.slice(firstPredict)), "an experiment after the prediction").toBe(true);
    const figures = [...mdx.matchAll(/^import \{ (\w*Figure) \} from "\.\/(\w+)";?$/gm)];
    expect(figures.length, "a figure component of the lesson's own").toBeGreaterThanOrEqual(1);
    for (const [, name, file] of figures) {
      expect(mdx, `<${name} /> is rendered`).toMatch(new RegExp(`<${name}[\\s/>]`));
      expect(read(path.join(lessonsDir, slug, `${file}.tsx`)), `${file}.tsx draws an SVG`).toMatch(/<svg[\s>]/);
    }
    const headings = lesson.toc.filter((entry) => entry.depth === 2).map((entry) => entry.title);
    for (const heading of [/[Mm]yth/, /^Common pitfalls$/, /^Key takeaways$/, /^References$/]) expect(headings.some((title) => heading.test(title)), `a "${heading.source}" section`).toBe(true);
    const [body, references] = mdx.split(/^## References$/m);
    const listed = [...references!.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
    expect(listed.length, "numbered references").toBeGreaterThanOrEqual(1);
    const cited = new Set([...body!.matchAll(/\[(\d+)\](?!\()/g)].map((m) => Number(m[1])));
    for (const n of cited) expect(listed, `[${n}] is cited but not listed`).toContain(n);
    for (const n of listed) expect(cited.has(n), `[${n}] is listed but never cited`).toBe(true);
    for (const entry of references!.split(/^\d+\. /m).filter((text) => /https?:\/\//.test(text))) {
      expect(entry, `a web reference says when it was read: ${entry.slice(0, 60)}`).toMatch(/accessed\s+(?:\d{1,2}\s+\w+\s+\d{4}|\d{4}-\d{2}-\d{2})/);
    }
  });

  it.each(slugs)("%s links only to lessons, glossary terms and pages that exist", (slug) => {
    const problems: string[] = [];
    for (const file of lessonFiles(slug)) {
      for (const link of internalLinks(read(file))) {
        const problem = linkProblem(link);
        if (problem) problems.push(`${rel(file)}: ${link}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(slugs)("%s names every figure, image and SVG for screen readers", (slug) => {
    expect(lessonFiles(slug).flatMap(accessibilityProblems)).toEqual([]);
  });
});

describe("the link and accessibility checks themselves", () => {
  it("resolve real routes and glossary ids and refuse made-up ones", () => {
    expect(linkProblem("/glossary#p99")).toBeNull();
    expect(linkProblem("/glossary")).toBeNull();
    expect(linkProblem("/glossary#p98")).toMatch(/no glossary term "p98"/);
    if (slugs.length > 0) expect(linkProblem(`/lessons/${slugs[0]}`)).toBeNull();
    expect(linkProblem("/lessons/no-such-lesson")).toMatch(/no lesson/);
    expect(linkProblem("/login")).toBeNull(); // inside the (auth) route group
    expect(linkProblem("/results/abc123")).toBeNull(); // a dynamic segment
    expect(linkProblem("/no-such-page")).toMatch(/no page or route/);
    expect(internalLinks('see [p99](/glossary#p99) and <a href="/lessons/batching">x</a>, not [x](https://example.com)')).toEqual(["/glossary#p99", "/lessons/batching"]);
  });
});
