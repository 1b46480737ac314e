import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";

/** A fresh SQLite file with every committed migration applied, for tests that store results. */
export function migratedSqliteUrl(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "inference-db-")), "test.db");
  const sqlite = new Database(file);
  const dir = path.resolve("prisma/migrations");
  for (const name of readdirSync(dir).filter((n) => /^\d+_/.test(n)).sort()) {
    sqlite.exec(readFileSync(path.join(dir, name, "migration.sql"), "utf8"));
  }
  sqlite.close();
  return `file:${file}`;
}
