/** Formatting shared by the server pages and the client tables: UTC and fixed, so server and browser render the same text. */

export function formatPercent(fraction: number | null | undefined, digits = 0): string {
  return fraction === null || fraction === undefined ? "—" : `${(fraction * 100).toFixed(digits)}%`;
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "—";
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : "—";
}

/** Milliseconds with three significant digits: 0.0512, 1.24, 38.1, 1250. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3);
}

export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined) return "—";
  return perSecond >= 100 ? Math.round(perSecond).toLocaleString("en-US") : perSecond.toPrecision(3);
}
