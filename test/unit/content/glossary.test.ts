import { describe, expect, it } from "vitest";
import { GLOSSARY, GLOSSARY_IDS } from "@/content/glossary/terms";
import { glossaryEntries } from "@/lib/content/glossary.server";
import { lessonSlugs } from "@/lib/content/lessons.server";

/** The ids the curriculum promises lessons may link to (docs/decisions/0020). */
const PROMISED_IDS = [
  "p50", "p99", "percentile", "latency", "throughput", "knee", "batch", "dynamic-batching", "arithmetic-intensity",
  "roofline", "memory-bound", "compute-bound", "overhead-bound", "simd", "execution-provider", "webgpu", "wasm",
  "swiftshader", "cold-start", "warm-up", "steady-state", "timer-resolution", "littles-law", "open-loop", "closed-loop",
  "coordinated-omission", "utilisation", "quantization", "int8", "calibration", "cost-per-million", "tco",
  "hybrid-routing", "cuda-visible-devices", "confidence-interval",
];

/** The nine curriculum slugs; a glossary term may point at a lesson before it is written. */
const CURRICULUM_SLUGS = [
  "cpu-or-gpu", "latency-is-a-distribution", "latency-vs-throughput", "batching", "serving-and-dynamic-batching",
  "quantization", "cost-power-and-tco", "hybrid-cpu-gpu-serving", "choosing-hardware",
];

describe("glossary", () => {
  it("defines every promised term once, under an anchor-safe id", () => {
    const ids = GLOSSARY.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...PROMISED_IDS].sort());
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it("gives each term a definition of a sentence or more, a lesson of the curriculum and related terms that exist", () => {
    for (const entry of GLOSSARY) {
      expect(entry.definition.length, entry.id).toBeGreaterThan(80);
      expect(entry.definition, entry.id).toMatch(/\.$/);
      expect(entry.lessons.length, entry.id).toBeGreaterThanOrEqual(1);
      for (const slug of entry.lessons) expect(CURRICULUM_SLUGS, `${entry.id} → ${slug}`).toContain(slug);
      for (const id of entry.related ?? []) {
        expect(GLOSSARY_IDS.has(id), `${entry.id} → ${id}`).toBe(true);
        expect(id).not.toBe(entry.id);
      }
    }
  });

  it("links each term only to lessons that exist, in alphabetical order of terms", () => {
    const existing = new Set(lessonSlugs());
    const entries = glossaryEntries();
    expect(entries.map((entry) => entry.id).sort()).toEqual([...PROMISED_IDS].sort());
    const terms = entries.map((entry) => entry.term.toLowerCase());
    expect(terms).toEqual([...terms].sort((a, b) => a.localeCompare(b)));
    for (const entry of entries) {
      const written = GLOSSARY.find((term) => term.id === entry.id)!.lessons.filter((slug) => existing.has(slug));
      expect(entry.lessons.map((lesson) => lesson.slug), entry.id).toEqual(written);
      for (const lesson of entry.lessons) expect(lesson.title.length).toBeGreaterThan(3);
    }
    // The lessons already in the repository are reachable from the glossary.
    expect(entries.find((entry) => entry.id === "knee")!.lessons[0]?.slug).toBe("batching");
  });
});
