/** A file name that is safe in Content-Disposition, plus the RFC 6266 UTF-8 form for the real name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.normalize("NFKD").replace(/[^\x20-\x7e]/g, "").replace(/["\\/;]/g, "_").replace(/\s+/g, "-") || "export.csv";
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
