import "server-only";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/sqlite";
import { PrismaClient as PostgresPrismaClient } from "@/generated/prisma/postgresql";
import { serverEnv } from "@/lib/env.server";

/**
 * The one Prisma client of the app. SQLite file by default (WAL, so readers
 * never wait for the writer); see docs/decisions/0002-database.md.
 */
export type Database = PrismaClient;

function sqliteFile(url: string): string {
  const file = url.slice("file:".length);
  return file === ":memory:" ? file : path.resolve(/*turbopackIgnore: true*/ process.cwd(), file);
}

export function databaseProvider(): "sqlite" | "postgresql" {
  return serverEnv().DATABASE_URL.startsWith("file:") ? "sqlite" : "postgresql";
}

function createClient(): Database {
  const { DATABASE_URL } = serverEnv();
  if (databaseProvider() === "postgresql") {
    // Both clients come from one schema (scripts/db.mjs derives the PostgreSQL one), so their
    // model APIs are the same; the cast only bridges the two generated type namespaces.
    return new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: DATABASE_URL }) }) as unknown as Database;
  }
  // `timeout` is better-sqlite3's busy timeout: a writer waits up to 5 s for the lock instead of failing.
  const adapter = new PrismaBetterSQLite3({ url: sqliteFile(DATABASE_URL), timeout: 5000 });
  return new PrismaClient({ adapter });
}

const globalForDb = globalThis as unknown as { inferenceLabDb?: Database; inferenceLabDbReady?: Promise<void> };

export const db: Database = globalForDb.inferenceLabDb ?? createClient();
if (process.env.NODE_ENV !== "production") globalForDb.inferenceLabDb = db;

/** Per-connection settings, applied once before the first query that needs them. */
export function dbReady(): Promise<void> {
  globalForDb.inferenceLabDbReady ??= (async () => {
    if (databaseProvider() !== "sqlite") return;
    await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  })();
  return globalForDb.inferenceLabDbReady;
}

export async function databaseHealth(): Promise<{ ok: true; provider: string; latencyMs: number } | { ok: false; provider: string; error: string }> {
  const provider = databaseProvider();
  const started = performance.now();
  try {
    await dbReady();
    await db.$queryRawUnsafe("SELECT 1");
    return { ok: true, provider, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    globalForDb.inferenceLabDbReady = undefined;
    return { ok: false, provider, error: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
  }
}
