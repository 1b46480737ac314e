import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { safeCell } from "@/lib/csv-cell";
import { toCsv } from "@/lib/csv-cell";
import { contentDisposition } from "@/lib/instructor/csv";

describe("CSV cells", () => {
  it("prefixes every text cell that a spreadsheet could run as a formula", () => {
    for (const dangerous of ["=1+1", "+41 79 000 00 00", "-2+3", "@SUM(A1:A2)", "\tcmd", "\r=1"]) {
      expect(safeCell(dangerous)).toBe(`'${dangerous}`);
    }
    for (const harmless of ["Zoë", "a=b", "1-2", " =x", "'quoted already", ""]) expect(safeCell(harmless)).toBe(harmless);
  });

  it("keeps numbers we computed as numbers, and writes empty for missing values", () => {
    expect(safeCell(-0.5)).toBe("-0.5");
    expect(safeCell(12)).toBe("12");
    expect(safeCell(Number.NaN)).toBe("");
    expect(safeCell(null)).toBe("");
    expect(safeCell(undefined)).toBe("");
    expect(safeCell(true)).toBe("yes");
    expect(safeCell(new Date("2026-11-25T10:00:00Z"))).toBe("2026-11-25T10:00:00.000Z");
  });
});

describe("toCsv", () => {
  const rows = [
    ["Zoë O'Brien", 'says "hi", twice', 0.25],
    ["=cmd|' /C calc'!A0", "line one\r\nline two", -3],
    ["陈伟", "", null],
  ];

  it("writes RFC 4180 (CRLF records, quoted fields, doubled quotes) that a CSV parser reads back exactly", () => {
    const csv = toCsv(["name", "note", "score"], rows);
    expect(csv.split("\r\n")[0]).toBe("name,note,score");
    expect(csv).toContain('"says ""hi"", twice"');
    expect(csv.endsWith("\r\n")).toBe(true);
    const parsed = parse(csv, { columns: true }) as Record<string, string>[];
    expect(parsed).toEqual([
      { name: "Zoë O'Brien", note: 'says "hi", twice', score: "0.25" },
      { name: "'=cmd|' /C calc'!A0", note: "line one\r\nline two", score: "-3" },
      { name: "陈伟", note: "", score: "" },
    ]);
  });

  it("escapes header cells too", () => {
    expect(toCsv(["=evil"], []).trim()).toBe("'=evil");
  });
});

describe("contentDisposition", () => {
  it("gives an ASCII fallback and the exact UTF-8 name", () => {
    const header = contentDisposition('Klasse "Zoë"; 5/b grades.csv');
    expect(header).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(header).not.toMatch(/filename="[^"]*["\\;/][^"]*"; /);
    expect(decodeURIComponent(header.split("UTF-8''")[1]!)).toBe('Klasse "Zoë"; 5/b grades.csv');
  });
});
