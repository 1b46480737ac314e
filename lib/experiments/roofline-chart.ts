import { attainableGflops, OVERHEAD_FRACTION, type Regime } from "@/lib/inference/roofline";
import type { PlotModule } from "./chart";
import type { LaneCeilings } from "./ceilings";
import { fmt, tickFormat } from "./format";

export interface RooflinePoint {
  model: string;
  batch: number;
  intensity: number;
  gflops: number;
  regime: Regime;
}

/**
 * One lane's roof: the bandwidth slope up to the ridge, the flat compute line
 * after it, the overhead band under half the roof, each region labelled, and
 * every measured (model, batch) point at its arithmetic intensity.
 */
export function rooflineChart(c: LaneCeilings, points: RooflinePoint[]) {
  return (Plot: PlotModule, width: number) => {
    const roof = { bandwidthGBps: c.bandwidthGBps, computeGflops: c.computeGflops };
    const ridge = c.ridgeFlopsPerByte;
    const xs = [ridge, ...points.map((p) => p.intensity)];
    const xMin = Math.min(...xs) / 8;
    const xMax = Math.max(...xs) * 8;
    const yMin = Math.min(attainableGflops(xMin, roof) * OVERHEAD_FRACTION, ...points.map((p) => p.gflops)) / 4;
    const yMax = c.computeGflops * 3;
    const steps = 48;
    const band = Array.from({ length: steps + 1 }, (_, i) => {
      const x = xMin * (xMax / xMin) ** (i / steps);
      return { x, low: yMin, high: OVERHEAD_FRACTION * attainableGflops(x, roof) };
    });
    const memX = Math.sqrt(xMin * ridge);
    const computeX = Math.sqrt(ridge * xMax);
    const labels = [
      { x: memX, y: attainableGflops(memX, roof) * 1.6, text: "memory-bound", anchor: "middle" },
      { x: computeX, y: c.computeGflops * 1.6, text: "compute-bound", anchor: "middle" },
      { x: Math.sqrt(xMin * xMax), y: Math.max(yMin * 2, OVERHEAD_FRACTION * attainableGflops(Math.sqrt(xMin * xMax), roof) / 3), text: "overhead (under half the roof)", anchor: "middle" },
    ];
    return Plot.plot({
      width,
      height: 340,
      marginLeft: 64,
      marginRight: 24,
      x: { type: "log", domain: [xMin, xMax], label: "Arithmetic intensity (FLOP per byte moved) →", grid: true, ticks: 6, tickFormat: tickFormat() },
      y: { type: "log", domain: [yMin, yMax], label: "↑ GFLOP/s", grid: true, ticks: 6, tickFormat: tickFormat() },
      color: { legend: true, label: "model" },
      marks: [
        Plot.areaY(band, { x: "x", y1: "low", y2: "high", fill: "currentColor", fillOpacity: 0.07 }),
        Plot.line(
          [
            { x: xMin, y: attainableGflops(xMin, roof) },
            { x: ridge, y: c.computeGflops },
            { x: xMax, y: c.computeGflops },
          ],
          { x: "x", y: "y", stroke: "currentColor", strokeWidth: 2 },
        ),
        Plot.ruleX([ridge], { stroke: "currentColor", strokeDasharray: "4,3", strokeOpacity: 0.6 }),
        Plot.dot([{ x: ridge, y: c.computeGflops }], { x: "x", y: "y", r: 4, fill: "currentColor" }),
        Plot.text([{ x: ridge, y: c.computeGflops }], { x: "x", y: "y", text: () => `ridge ${fmt(ridge)} FLOP/byte`, dy: -12, textAnchor: "start", dx: 6 }),
        Plot.text([{ x: xMax, y: c.computeGflops }], { x: "x", y: "y", text: () => `compute ${fmt(c.computeGflops)} GFLOP/s`, dy: 12, textAnchor: "end" }),
        Plot.text([{ x: xMin, y: attainableGflops(xMin, roof) }], { x: "x", y: "y", text: () => `bandwidth ${fmt(c.bandwidthGBps)} GB/s`, dy: -10, dx: 4, textAnchor: "start" }),
        Plot.text(labels, { x: "x", y: "y", text: "text", textAnchor: "middle", fontStyle: "italic", fillOpacity: 0.8 }),
        Plot.dot(points, { x: "intensity", y: "gflops", fill: "model", r: 4, title: (p: RooflinePoint) => `${p.model} batch ${p.batch}: ${fmt(p.gflops)} GFLOP/s, ${p.regime}` }),
        Plot.text(points, { x: "intensity", y: "gflops", text: (p: RooflinePoint) => String(p.batch), dy: -9, fontSize: 9 }),
      ],
    });
  };
}
