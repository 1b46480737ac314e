import "server-only";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import { bundleMDX } from "mdx-bundler";
import readingTime from "reading-time";
import rehypeHighlight from "rehype-highlight";
import rehypeSlug from "rehype-slug";
import { HttpError } from "@/lib/http/errors";
import { lessonFrontmatterSchema, type LessonFrontmatter } from "./frontmatter";
import { collectHeadings, countExperiments, type TocEntry } from "./mdx-plugins";

export type { TocEntry };

/** A lesson's frontmatter and slug: what pages rendered per request need, without compiling MDX. */
export interface LessonOutline extends LessonFrontmatter {
  slug: string;
}

export interface LessonSummary extends LessonFrontmatter {
  slug: string;
  readingMinutes: number;
  experimentCount: number;
}

export interface CompiledLesson extends LessonSummary {
  /** mdx-bundler output: a function body evaluated by getMDXComponent on the page. */
  code: string;
  toc: TocEntry[];
}

export class LessonCompileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    detail: string,
  ) {
    super(`${file}${line ? `:${line}${column ? `:${column}` : ""}` : ""}: ${detail}`);
    this.name = "LessonCompileError";
  }
}

const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function lessonsRoot(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "content", "lessons");
}

/** Every lesson folder under content/lessons that has an index.mdx. */
export function lessonSlugs(root = lessonsRoot()): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, entry.name, "index.mdx")))
    .map((entry) => entry.name)
    .filter((slug) => slugPattern.test(slug));
}

/** A slug the API was sent: 404 unless it names a lesson, so nothing is stored against a lesson that does not exist. */
export function requireLessonSlug(slug: string): string {
  if (!lessonSlugs().includes(slug)) throw new HttpError(404, `unknown lesson "${slug}"`);
  return slug;
}

/**
 * The folder's files decide the cache key, so an edited component recompiles its lesson too;
 * content/shared (helpers several lessons import) is part of every lesson's key.
 */
function folderFingerprint(dir: string): string {
  if (!existsSync(dir)) return "";
  const hash = createHash("sha256");
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }).sort((a, b) =>
    path.join(a.parentPath, a.name).localeCompare(path.join(b.parentPath, b.name)),
  )) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    hash.update(path.relative(dir, file));
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

const cache = new Map<string, { fingerprint: string; lesson: Promise<CompiledLesson> }>();

/**
 * Compiles one lesson (at build time for static pages; at most once per content
 * change otherwise). Unknown slug → null; broken MDX → LessonCompileError with file and line.
 */
export function compileLesson(slug: string, root = lessonsRoot()): Promise<CompiledLesson> | null {
  if (!slugPattern.test(slug)) return null;
  const dir = path.join(root, slug);
  const file = path.join(dir, "index.mdx");
  if (!existsSync(file)) return null;
  const fingerprint = folderFingerprint(dir) + folderFingerprint(path.join(root, "..", "shared"));
  const key = `${root}\0${slug}`;
  const hit = cache.get(key);
  if (hit && hit.fingerprint === fingerprint) return hit.lesson;
  const lesson = compile(slug, dir, file);
  cache.set(key, { fingerprint, lesson });
  lesson.catch(() => cache.delete(key));
  return lesson;
}

function validFrontmatter(frontmatter: unknown, relativeFile: string): LessonFrontmatter {
  const parsed = lessonFrontmatterSchema.safeParse(frontmatter);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "frontmatter"} ${issue.message}`);
    throw new LessonCompileError(relativeFile, 1, undefined, `invalid frontmatter: ${problems.join("; ")}`);
  }
  return parsed.data;
}

async function compile(slug: string, dir: string, file: string): Promise<CompiledLesson> {
  const source = readFileSync(file, "utf8");
  const relativeFile = path.relative(process.cwd(), file);
  const toc: TocEntry[] = [];
  const experiments = { count: 0 };
  let result: Awaited<ReturnType<typeof bundleMDX>>;
  try {
    result = await bundleMDX({
      source,
      cwd: dir,
      mdxOptions(options) {
        options.remarkPlugins = [...(options.remarkPlugins ?? []), [countExperiments, experiments]];
        options.rehypePlugins = [
          ...(options.rehypePlugins ?? []),
          rehypeSlug,
          [collectHeadings, toc],
          [rehypeHighlight, { detect: false }],
        ];
        return options;
      },
      esbuildOptions(options) {
        options.minify = process.env.NODE_ENV === "production";
        options.target = ["es2022"];
        return options;
      },
    });
  } catch (error) {
    throw toCompileError(error, relativeFile, dir);
  }
  return {
    ...validFrontmatter(result.frontmatter, relativeFile),
    slug,
    code: result.code,
    toc,
    readingMinutes: Math.max(1, Math.round(readingTime(result.matter.content).minutes)),
    experimentCount: experiments.count,
  };
}

interface EsbuildLikeError {
  errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }>;
  message?: string;
  line?: number;
  column?: number;
  place?: { line?: number; column?: number; start?: { line: number; column: number } };
}

/** esbuild and MDX report positions differently; turn both into "file:line:col: message". */
function toCompileError(error: unknown, relativeFile: string, dir: string): LessonCompileError {
  const e = error as EsbuildLikeError;
  const first = e.errors?.[0];
  if (first) {
    // The MDX plugin's messages look like "<file>:12:3: Could not parse expression"; keep only the text.
    const text = first.text.replace(/^.*?:\d+:\d+:\s*/, "");
    const location = first.location;
    const mdxPosition = /:(\d+):(\d+):/.exec(first.text);
    const file = location?.file && !location.file.includes("_mdx_bundler_entry_point")
      ? path.relative(process.cwd(), path.resolve(dir, location.file))
      : relativeFile;
    const line = mdxPosition ? Number(mdxPosition[1]) : location?.line;
    const column = mdxPosition ? Number(mdxPosition[2]) : location?.column;
    return new LessonCompileError(file, line, column, text);
  }
  const start = e.place?.start ?? e.place;
  return new LessonCompileError(relativeFile, e.line ?? start?.line, e.column ?? start?.column, e.message ?? String(error));
}

/** Lessons in their declared order, for the home page and previous/next links. */
export async function listLessons(root = lessonsRoot()): Promise<LessonSummary[]> {
  const lessons = await Promise.all(lessonSlugs(root).map((slug) => compileLesson(slug, root)!));
  return lessons
    .map(({ code: _code, toc: _toc, ...summary }) => summary)
    .sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}

const outlineCache = new Map<string, { mtimeMs: number; outline: LessonOutline }>();

/**
 * Lessons in their declared order from their frontmatter alone (gray-matter, the
 * parser mdx-bundler uses), cached by file time: for dynamic pages such as the
 * instructor reports, which must not compile MDX or hash lesson folders per request.
 */
export function lessonOutlines(root = lessonsRoot()): LessonOutline[] {
  return lessonSlugs(root)
    .map((slug) => {
      const file = path.join(root, slug, "index.mdx");
      const { mtimeMs } = statSync(file);
      const hit = outlineCache.get(file);
      if (hit && hit.mtimeMs === mtimeMs) return hit.outline;
      const outline = { ...validFrontmatter(matter(readFileSync(file, "utf8")).data, path.relative(process.cwd(), file)), slug };
      outlineCache.set(file, { mtimeMs, outline });
      return outline;
    })
    .sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}
