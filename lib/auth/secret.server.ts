import "server-only";
import { serverEnv } from "@/lib/env.server";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * BETTER_AUTH_SECRET signs session cookies. It comes from the environment; when
 * it is missing (a fresh clone running `npm start` or the tests) we generate one
 * into the gitignored data/.auth-secret so sessions survive restarts. Several
 * instances sharing a PostgreSQL database must all get the same secret from env.
 */
export function authSecret(): string {
  const fromEnv = serverEnv().BETTER_AUTH_SECRET;
  if (fromEnv) return fromEnv;
  const file = path.join(/*turbopackIgnore: true*/ process.cwd(), "data", ".auth-secret");
  if (existsSync(file)) {
    const stored = readFileSync(file, "utf8").trim();
    if (stored.length >= 32) return stored;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  // "wx" fails if another process won the race; then its secret is the one to use.
  try {
    writeFileSync(file, `${secret}\n`, { flag: "wx", mode: 0o600 });
    chmodSync(file, 0o600);
    return secret;
  } catch {
    return readFileSync(file, "utf8").trim();
  }
}
