/**
 * The one CSV writer, shared by the instructor exports (server) and the
 * experiments' CSV download (browser): cells made safe to open, records in
 * RFC 4180. Nothing heavier than the number formatter, so it costs a client
 * bundle nothing.
 */
import { EXPORT_DIGITS, significant } from "@/lib/experiments/format";

export type CsvCell = string | number | boolean | null | undefined | Date;

/**
 * Characters that make a spreadsheet treat a text cell as a formula (OWASP's
 * CSV injection list), plus tab and carriage return, which some importers
 * strip before looking at the first character.
 */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One cell as text. Text that could start a formula gets a leading single
 * quote, which spreadsheets show as a text marker and scripts can strip.
 * Numbers we computed stay numbers: `-0.5` is a value, not a formula, and
 * quoting it would break sums in the sheet. Fractions keep EXPORT_DIGITS
 * significant figures (0.03000000026077032 is float noise, not a measurement);
 * integers (counts, ids, epoch milliseconds) stay exact.
 */
export function safeCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(Number.isInteger(value) ? value : significant(value, EXPORT_DIGITS)) : "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (value instanceof Date) return value.toISOString();
  return formulaStart.test(value) ? `'${value}` : value;
}

/**
 * A safe cell quoted for a comma-separated record (RFC 4180): fields with a
 * comma, quote or line break go in double quotes, quotes doubled.
 */
export function csvField(value: CsvCell): string {
  const text = safeCell(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180 text: CRLF after every record (the last included), every cell
 * through csvField, header included.
 */
export function toCsv(header: readonly CsvCell[], rows: Iterable<readonly CsvCell[]>): string {
  const records = [header.map(csvField).join(",")];
  for (const row of rows) records.push(row.map(csvField).join(","));
  return records.join("\r\n") + "\r\n";
}
