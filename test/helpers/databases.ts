import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, migrate } from "./server";

export interface TestDatabase {
  url: string;
  provider: "sqlite" | "postgresql";
  stop(): Promise<void>;
}

export function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-sqlite-"));
  const url = `file:${path.join(dir, "test.db")}`;
  migrate(url);
  return { url, provider: "sqlite", stop: async () => rmSync(dir, { recursive: true, force: true }) };
}

function postgresBin(): string | null {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], "bin") : null;
}

/**
 * A throwaway PostgreSQL: Debian's server binaries, a fresh cluster in a temp
 * folder, listening on 127.0.0.1 on a free port. initdb refuses to run as root,
 * so as root the cluster belongs to the `postgres` user. TEST_POSTGRES_URL
 * points the tests at an existing server instead.
 */
export async function postgresDatabase(): Promise<TestDatabase | { skip: string }> {
  if (process.env.TEST_POSTGRES_URL) {
    migrate(process.env.TEST_POSTGRES_URL);
    return { url: process.env.TEST_POSTGRES_URL, provider: "postgresql", stop: async () => undefined };
  }
  const bin = postgresBin();
  if (!bin) return { skip: "Debian's postgresql is not installed (npm test installs it when run as root)" };
  const isRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-pg-"));
  const data = path.join(dir, "data");
  const asOwner = (command: string, args: string[]) => {
    const full = isRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] as const : [command, args] as const;
    const result = spawnSync(full[0], [...full[1]], { encoding: "utf8", cwd: dir });
    if (result.status !== 0) throw new Error(`${command} failed:\n${result.stdout}\n${result.stderr}`);
  };
  if (isRoot) {
    const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gids = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
    chmodSync(dir, 0o700);
  }
  asOwner(path.join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  asOwner(path.join(bin, "pg_ctl"), [
    "-D", data, "-l", path.join(dir, "server.log"), "-w", "-t", "60",
    "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`,
    "start",
  ]);
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  migrate(url);
  return {
    url,
    provider: "postgresql",
    stop: async () => {
      try {
        asOwner(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
