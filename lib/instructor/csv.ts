import { stringify } from "csv-stringify/sync";

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
 * quoting it would break sums in the sheet.
 */
export function safeCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (value instanceof Date) return value.toISOString();
  return formulaStart.test(value) ? `'${value}` : value;
}

/**
 * RFC 4180: CRLF between records, fields with a comma, quote or line break in
 * double quotes, quotes doubled. csv-stringify does the quoting; every cell
 * goes through safeCell first, header included.
 */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const records: string[][] = [header.map(safeCell)];
  for (const row of rows) records.push(row.map(safeCell));
  return stringify(records, { record_delimiter: "windows", eof: true });
}

/** A file name that is safe in Content-Disposition, plus the RFC 6266 UTF-8 form for the real name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.normalize("NFKD").replace(/[^\x20-\x7e]/g, "").replace(/["\\/;]/g, "_").replace(/\s+/g, "-") || "export.csv";
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
