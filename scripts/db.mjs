// Database tasks that work offline with Prisma 6.19 driver adapters.
//   node scripts/db.mjs generate              Prisma client(s) from prisma/schema.prisma
//   node scripts/db.mjs migrate               apply committed migrations to DATABASE_URL
//   node scripts/db.mjs new-migration <name>  write the SQL for schema changes as a new migration
// See docs/decisions/0002-database.md for why Prisma 6 and why these steps.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bin, log, root, run } from "./lib.mjs";

const schema = path.join("prisma", "schema.prisma");
const migrationsDir = path.join(root, "prisma", "migrations");

function ensureSqliteDirectory() {
  const url = process.env.DATABASE_URL ?? "file:./data/dev.db";
  if (!url.startsWith("file:")) return;
  mkdirSync(path.dirname(path.resolve(root, url.slice("file:".length))), { recursive: true });
}

function generate() {
  // The native query engine is not needed (queryCompiler + driver adapters) and cannot be downloaded here.
  run(bin("prisma"), ["generate", "--schema", schema], { env: { PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false" } });
}

function migrate() {
  ensureSqliteDirectory();
  run(bin("prisma"), ["migrate", "deploy"]);
}

function newMigration(name) {
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error("Usage: npm run db:new-migration -- <name in snake_case>");
    process.exit(2);
  }
  ensureSqliteDirectory();
  const from = existsSync(path.join(migrationsDir, "migration_lock.toml"))
    ? ["--from-migrations", path.join("prisma", "migrations")]
    : ["--from-empty"];
  const result = spawnSync(bin("prisma"), ["migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  const sql = result.stdout.trim();
  if (sql === "" || sql.includes("This is an empty migration")) {
    log("schema and migrations already agree; nothing to write");
    return;
  }
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), `${sql}\n`);
  log(`wrote ${path.relative(root, dir)}/migration.sql (${readdirSync(migrationsDir).length - 1} migrations)`);
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case "generate":
    generate();
    break;
  case "migrate":
    migrate();
    break;
  case "new-migration":
    newMigration(rest[0]);
    break;
  default:
    console.error("Usage: node scripts/db.mjs generate | migrate | new-migration <name>");
    process.exit(2);
}
