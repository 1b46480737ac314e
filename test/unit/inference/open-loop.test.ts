import { describe, expect, it } from "vitest";
import { achievedRate, littlesLaw, poissonArrivals, type Visit } from "@/lib/inference/open-loop";

function gaps(rate: number, n: number, seed: number): number[] {
  const next = poissonArrivals(rate, seed);
  let previous = 0;
  return Array.from({ length: n }, () => {
    const at = next();
    const gap = at - previous;
    previous = at;
    return gap;
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

/** A single server with a fixed service time fed by the arrivals (M/D/1), simulated exactly. */
function mD1(rate: number, serviceMs: number, n: number, seed: number): Visit[] {
  const next = poissonArrivals(rate, seed);
  let freeAt = 0;
  return Array.from({ length: n }, () => {
    const arrivalMs = next();
    const doneMs = Math.max(arrivalMs, freeAt) + serviceMs;
    freeAt = doneMs;
    return { arrivalMs, doneMs };
  });
}

describe("Poisson arrivals", () => {
  it.each([10, 200, 5000])("at %d/s have exponential gaps: mean 1/rate and variance 1/rate²", (rate) => {
    const g = gaps(rate, 200_000, 7);
    const expected = 1000 / rate;
    expect(mean(g) / expected).toBeCloseTo(1, 1);
    expect(Math.abs(mean(g) / expected - 1)).toBeLessThan(0.01);
    expect(Math.abs(variance(g) / expected ** 2 - 1)).toBeLessThan(0.03);
    expect(g.every((gap) => gap > 0)).toBe(true);
  });

  it("counts per interval are Poisson: their variance equals their mean", () => {
    const next = poissonArrivals(100, 3);
    const counts = new Array<number>(2000).fill(0);
    for (let at = next(); at < 2000 * 100; at = next()) counts[Math.floor(at / 100)]! += 1;
    expect(mean(counts)).toBeGreaterThan(9.5);
    expect(mean(counts)).toBeLessThan(10.5);
    expect(variance(counts) / mean(counts)).toBeGreaterThan(0.9);
    expect(variance(counts) / mean(counts)).toBeLessThan(1.1);
  });

  it("differ between seeds and repeat for one seed", () => {
    expect(gaps(50, 5, 1)).toEqual(gaps(50, 5, 1));
    expect(gaps(50, 5, 1)).not.toEqual(gaps(50, 5, 2));
  });

  it("refuses a rate that is not a positive finite number", () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => poissonArrivals(bad, 1)).toThrow(RangeError);
  });
});

describe("Little's law", () => {
  it("holds on a stable M/D/1 queue and matches the Pollaczek–Khinchine mean", () => {
    const rate = 600;
    const serviceMs = 1;
    const visits = mD1(rate, serviceMs, 100_000, 11);
    const end = visits[visits.length - 1]!.arrivalMs;
    const law = littlesLaw(visits, end * 0.1, end);
    expect(law.arrivalRatePerSecond / rate).toBeCloseTo(1, 1);
    expect(Math.abs(law.ratio! - 1)).toBeLessThan(0.02);
    // ρ = 0.6: L = ρ + ρ² / (2(1 − ρ)) = 1.05 requests in the system on average.
    const rho = (rate * serviceMs) / 1000;
    expect(law.meanInSystem / (rho + rho ** 2 / (2 * (1 - rho)))).toBeCloseTo(1, 1);
  });

  it("measures L from the occupancy, not from λW: a window cutting a growing queue breaks the law", () => {
    // Overloaded (ρ = 2): the queue grows, so the window's arrivals wait longer than those in it at the time.
    const visits = mD1(2000, 1, 5000, 5);
    const end = visits[visits.length - 1]!.arrivalMs;
    const law = littlesLaw(visits, end / 2, end);
    expect(law.ratio!).toBeLessThan(0.8);
  });

  it("counts only the part of a visit inside the window", () => {
    const law = littlesLaw([{ arrivalMs: 0, doneMs: 100 }, { arrivalMs: 50, doneMs: 60 }], 40, 140);
    expect(law.meanInSystem).toBeCloseTo((60 + 10) / 100, 10);
    expect(law.arrivalRatePerSecond).toBeCloseTo(10, 10);
    expect(law.meanLatencyMs).toBe(10);
  });
});

describe("achieved rate", () => {
  it("is gaps over span, and null without two arrivals", () => {
    expect(achievedRate([0, 10, 20, 30])).toBeCloseTo(100, 10);
    expect(achievedRate([5])).toBeNull();
  });
});
