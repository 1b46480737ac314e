/**
 * Numbers in experiment tables, on the client and in server-rendered pages alike
 * (a "use client" module's functions can't be called from a server component).
 */
export function fmt(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? "—"
    : Number(value.toPrecision(digits)).toLocaleString("en-US", { maximumFractionDigits: 4 });
}
