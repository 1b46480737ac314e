import { describe, expect, it } from "vitest";
import { csvField, safeCell } from "@/lib/csv-cell";
import { fmt, fmtMB, fmtMs, plural, significant, tickFormat } from "@/lib/experiments/format";
import { costOf } from "@/lib/experiments/cost";
import { clientsDomain, splitRows } from "@/lib/experiments/serving";
import { rowsToCsv } from "@/lib/experiments/records";
import { summarize } from "@/lib/inference/stats";

describe("significant figures in tables", () => {
  it("tells small costs apart instead of rounding them to the same fixed decimal", () => {
    expect(fmt(0.000123)).toBe("0.000123");
    expect(fmt(0.000234)).toBe("0.000234");
    expect(fmt(0.000123)).not.toBe(fmt(0.000234));
    // What a lane at 100k items/s costs at $0.10/hour, per million inferences.
    const cheap = costOf(100_000, { dollarsPerHour: 0.1, watts: 100 }).dollarsPerMillion!;
    const dearer = costOf(50_000, { dollarsPerHour: 0.1, watts: 100 }).dollarsPerMillion!;
    expect(fmt(cheap)).toBe("0.000278");
    expect(fmt(dearer)).toBe("0.000556");
  });

  it("keeps three figures across magnitudes, with grouping and no float noise", () => {
    expect(fmt(0.03000000026077032)).toBe("0.03");
    expect(fmt(1.23456)).toBe("1.23");
    expect(fmt(38.14)).toBe("38.1");
    expect(fmt(12_345.6)).toBe("12,300");
    expect(fmt(0.1)).toBe("0.1");
    expect(fmt(0)).toBe("0");
    expect(fmt(-0.00456)).toBe("-0.00456");
    expect(fmt(0.97254, 4)).toBe("0.9725");
  });

  it("writes tiny values in exponent form rather than a run of zeros", () => {
    expect(fmt(0.0000123)).toBe("1.23e-5");
    expect(fmt(0.00001)).toBe("1e-5");
    expect(fmt(0.000015)).toBe("1.5e-5");
  });

  it("shows a dash for what was not measured", () => {
    expect(fmt(null)).toBe("—");
    expect(fmt(undefined)).toBe("—");
    expect(fmt(Number.NaN)).toBe("—");
    expect(fmt(Number.POSITIVE_INFINITY)).toBe("—");
  });

  it("rounds to significant figures as numbers", () => {
    expect(significant(0.03000000026077032, 6)).toBe(0.03);
    expect(significant(123_456.789, 3)).toBe(123_000);
    expect(significant(0, 3)).toBe(0);
  });

  it("never shows a duration below the timer's resolution as a number", () => {
    expect(fmtMs(0, 0.1)).toBe("< 0.1");
    expect(fmtMs(0.05, 0.1)).toBe("< 0.1");
    expect(fmtMs(0.3, 0.1)).toBe("0.3");
    expect(fmtMs(0.004, null)).toBe("0.004");
    expect(fmtMs(null, 0.1)).toBe("—");
  });

  it("says 1 run and 25 runs, and keeps counts exact", () => {
    expect(plural(1, "run")).toBe("1 run");
    expect(plural(25, "run")).toBe("25 runs");
    expect(plural(12_345, "run")).toBe("12,345 runs");
    expect(plural(1, "thread")).toBe("1 thread");
    expect(plural(2, "batch", "batches")).toBe("2 batches");
  });

  it("writes megabytes from bytes", () => {
    expect(fmtMB(26_781_914)).toBe("26.8 MB");
    expect(fmtMB(null)).toBe("—");
  });
});

describe("chart tick labels", () => {
  it("label 0.1 ms as 0.1 ms, not Plot's SI '100m'", () => {
    const ms = tickFormat("ms");
    expect(ms(0.1)).toBe("0.1 ms");
    expect(ms(0.01)).toBe("0.01 ms");
    expect(ms(1000)).toBe("1,000 ms");
    expect(tickFormat()(20_000)).toBe("20,000");
    expect(ms(0.1)).not.toMatch(/m$/);
  });
});

describe("significant figures in exports", () => {
  it("writes float noise as a sensible number and keeps integers exact", () => {
    expect(safeCell(0.03000000026077032)).toBe("0.03");
    expect(safeCell(0.000123456789)).toBe("0.000123457");
    expect(safeCell(1234.56789)).toBe("1234.57");
    expect(safeCell(1_764_694_800_000)).toBe("1764694800000");
    expect(safeCell(100_000)).toBe("100000");
    expect(Number(safeCell(0.03000000026077032))).toBe(0.03);
  });

  it("quotes fields for a record and stops formulas", () => {
    expect(csvField('x,"y"')).toBe('"x,""y"""');
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField(-0.5)).toBe("-0.5");
  });

  it("exports experiment rows with significant figures", () => {
    const csv = rowsToCsv([{ lane: "server-cpu", p50_ms: 0.03000000026077032, dollars: 0.00027777777777777783, n: 1200 }]);
    expect(csv).toBe("lane,p50_ms,dollars,n\r\nserver-cpu,0.03,0.000277778,1200\r\n");
  });
});

describe("serving chart data", () => {
  const summary = (p50: number) => ({ ...summarize([p50]) });
  const point = (concurrency: number) => ({ concurrency, queueMs: summary(0.5), computeMs: summary(1) });
  const results = [
    { key: "server-cpu" as const, points: [1, 16, 2, 4, 8].map(point) },
    { key: "server-webgpu" as const, points: [8, 2, 32].map(point) },
  ];

  it("orders concurrencies as numbers, 1 2 4 8 16 32, never as strings", () => {
    expect(clientsDomain(results)).toEqual([1, 2, 4, 8, 16, 32]);
  });

  it("keeps clients numeric in the bar rows, so Plot neither sorts them as text nor warns", () => {
    const rows = splitRows(results);
    expect(rows).toHaveLength(2 * 8);
    expect(rows.every((r) => typeof r.clients === "number")).toBe(true);
    expect(rows.filter((r) => r.lane === "Server CPU" && r.part === "queue").map((r) => r.clients)).toEqual([1, 16, 2, 4, 8]);
  });
});
