import { stringify } from "csv-stringify/sync";
import { safeCell, type CsvCell } from "@/lib/csv-cell";

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
