"use client";
import { useId, useState } from "react";

/**
 * Cost and energy per inference when the machine is busy only part of the time. The learner
 * types the throughput their own run measured; price and busy power start at the lesson's
 * cited defaults; idle power has no default (measure it: nvidia-smi, RAPL, a wall meter).
 */
export function UtilisationCalculator({ dollarsPerHour, busyWatts }: { dollarsPerHour: number; busyWatts: number }) {
  const id = useId();
  const [throughput, setThroughput] = useState("");
  const [price, setPrice] = useState(String(dollarsPerHour));
  const [busy, setBusy] = useState(String(busyWatts));
  const [idle, setIdle] = useState("");
  const [utilisation, setUtilisation] = useState(100);
  const num = (text: string) => (text.trim() === "" ? null : Number(text));
  const t = num(throughput);
  const p = num(price);
  const wb = num(busy);
  const wi = num(idle);
  const u = utilisation / 100;
  const ok = (x: number | null): x is number => x !== null && Number.isFinite(x) && x >= 0;
  const served = ok(t) && t > 0 ? t * u : null; // inferences per second averaged over the hour
  const dollars = served && ok(p) ? (p / (served * 3600)) * 1e6 : null;
  const joules = served && ok(wb) ? (u === 1 ? wb / served : ok(wi) ? (wb * u + wi * (1 - u)) / served : null) : null;
  const show = (x: number | null) => (x === null ? "—" : Number(x.toPrecision(3)).toLocaleString("en-US", { maximumSignificantDigits: 3 }));
  const field = (label: string, value: string, set: (v: string) => void, testId: string) => (
    <p>
      <label htmlFor={`${id}-${testId}`}>{label}</label>{" "}
      <input id={`${id}-${testId}`} data-testid={`calc-${testId}`} type="number" min={0} step="any" value={value} onChange={(e) => set(e.target.value)} />
    </p>
  );
  return (
    <section className="panel" aria-label="Utilisation calculator" data-testid="utilisation-calculator">
      <p>
        <strong>Utilisation calculator.</strong> Type the throughput from your own table; the rest starts at this lesson&apos;s cited defaults.
      </p>
      {field("Measured throughput (items/s)", throughput, setThroughput, "throughput")}
      {field("Price ($/hour)", price, setPrice, "price")}
      {field("Power while busy (W)", busy, setBusy, "busy")}
      {field("Power while idle (W, yours to measure)", idle, setIdle, "idle")}
      <p>
        <label htmlFor={`${id}-util`}>Busy share of the hour: {utilisation}%</label>{" "}
        <input id={`${id}-util`} data-testid="calc-utilisation" type="range" min={1} max={100} value={utilisation} onChange={(e) => setUtilisation(Number(e.target.value))} />
      </p>
      <p aria-live="polite" data-testid="calc-result">
        $ per million inferences: <strong data-field="dollars">{show(dollars)}</strong>; joules per inference: <strong data-field="joules">{show(joules)}</strong>
        {joules === null && served !== null && u < 1 ? " (enter the idle power to include the idle part of the hour)" : ""}
      </p>
    </section>
  );
}
