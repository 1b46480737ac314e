/**
 * Numbers in experiment tables, charts and exports, on the client and in
 * server-rendered pages alike (a "use client" module's functions can't be
 * called from a server component). Significant figures, never fixed decimals:
 * $0.000123 and $0.000234 per million must not both read "0.0001".
 */

/** What a table or tick label shows: three figures tell lanes apart without implying more precision than a run has. */
export const DISPLAY_DIGITS = 3;
/** What an export keeps: enough to recompute ratios, none of the float noise (0.03000000026077032). */
export const EXPORT_DIGITS = 6;

/** `value` rounded to `digits` significant figures, as a number. */
export function significant(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/** Below this, plain decimals get hard to read (0.0000123): write 1.23e-5. */
const SMALLEST_PLAIN = 1e-4;

export function fmt(value: number | null | undefined, digits = DISPLAY_DIGITS): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const rounded = significant(value, digits);
  if (rounded !== 0 && Math.abs(rounded) < SMALLEST_PLAIN) return rounded.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, "e");
  return rounded.toLocaleString("en-US", { maximumSignificantDigits: digits });
}

/**
 * A duration that the clock could not resolve is shown as "< resolution", not
 * as 0 or as a tick's worth of noise.
 */
export function fmtMs(value: number | null | undefined, resolutionMs?: number | null): string {
  if (value !== null && value !== undefined && resolutionMs && Number.isFinite(resolutionMs) && value < resolutionMs) return `< ${fmt(resolutionMs)}`;
  return fmt(value);
}

/**
 * Tick labels for chart axes: the table's figures plus a unit. Observable
 * Plot's default for log axes is SI notation, which prints 0.1 ms as "100m".
 */
export function tickFormat(unit?: string): (value: number) => string {
  return (value) => (unit ? `${fmt(value)} ${unit}` : fmt(value));
}

/** "1 run", "25 runs". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  // Counts are exact: 12,345 runs must not round to 12,300.
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : pluralForm}`;
}

/** Bytes as MB (10^6, what browsers' download panels show) with the table's figures. */
export function fmtMB(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? "—" : `${fmt(bytes / 1e6)} MB`;
}
