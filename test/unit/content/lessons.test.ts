import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileLesson, LessonCompileError, lessonOutlines, lessonSlugs, listLessons } from "@/lib/content/lessons.server";

const fixtures = path.resolve(import.meta.dirname, "..", "..", "fixtures", "lessons");

describe("lesson compilation", () => {
  it("compiles MDX with a local import, a table of contents and an experiment count", async () => {
    const lesson = await compileLesson("good-lesson", fixtures);
    expect(lesson).not.toBeNull();
    expect(lesson!.title).toBe("Good lesson");
    expect(lesson!.experimentCount).toBe(2);
    expect(lesson!.toc).toEqual([
      { id: "first-section", title: "First section", depth: 2 },
      { id: "a-detail", title: "A detail", depth: 3 },
      { id: "second-section", title: "Second section", depth: 2 },
    ]);
    expect(lesson!.code).toContain("local component");
  });

  it("reuses the compiled lesson while its folder is unchanged", async () => {
    const first = compileLesson("good-lesson", fixtures);
    const second = compileLesson("good-lesson", fixtures);
    expect(second).toBe(first);
  });

  it("reports broken MDX with the file and line", async () => {
    const error = await compileLesson("broken-mdx", fixtures)!.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LessonCompileError);
    const compileError = error as LessonCompileError;
    expect(compileError.file).toBe(path.relative(process.cwd(), path.join(fixtures, "broken-mdx", "index.mdx")));
    expect(compileError.line).toBeGreaterThanOrEqual(13);
    expect(compileError.message).toMatch(/broken-mdx\/index\.mdx:1[3-5]/);
  });

  it("rejects frontmatter that misses a required field, naming it", async () => {
    const error = await compileLesson("bad-frontmatter", fixtures)!.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LessonCompileError);
    expect((error as Error).message).toMatch(/bad-frontmatter\/index\.mdx:1: invalid frontmatter: order/);
  });

  it("requires a positive whole number of estimated minutes", async () => {
    const error = await compileLesson("bad-frontmatter", fixtures)!.catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/estimatedMinutes/);
    const lesson = await compileLesson("good-lesson", fixtures);
    expect(lesson!.estimatedMinutes).toBe(5);
  });

  it("answers null for unknown or malformed slugs instead of touching the file system", () => {
    expect(compileLesson("does-not-exist", fixtures)).toBeNull();
    expect(compileLesson("../../etc", fixtures)).toBeNull();
    expect(compileLesson("Good-Lesson", fixtures)).toBeNull();
  });

  it("lists the real lessons in their declared order", async () => {
    const lessons = await listLessons();
    expect(lessons.length).toBeGreaterThanOrEqual(2);
    const orders = lessons.map((lesson) => lesson.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    expect(lessonSlugs()).toEqual(expect.arrayContaining(["cpu-or-gpu", "latency-is-a-distribution"]));
  });

  it("outlines the lessons from frontmatter alone, matching what the compiler reads", async () => {
    const compiled = await listLessons();
    expect(lessonOutlines()).toEqual(compiled.map(({ slug, title, summary, order, estimatedMinutes, objectives }) => ({ slug, title, summary, order, estimatedMinutes, objectives })));
    expect(() => lessonOutlines(fixtures)).toThrow(/bad-frontmatter\/index\.mdx:1: invalid frontmatter: order/);
  });
});
