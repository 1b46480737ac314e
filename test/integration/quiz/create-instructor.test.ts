import { spawnSync } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../../helpers/server";
import { sqliteDatabase } from "../../helpers/databases";

const database = sqliteDatabase();
afterAll(() => database.stop());

function createInstructor(...args: string[]) {
  return spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", "create-instructor.ts"), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: database.url, BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123" },
    encoding: "utf8",
  });
}

describe("npm run create-instructor", () => {
  it("creates an instructor with an argon2id hash, and refuses a duplicate or a short password", () => {
    const created = createInstructor("--email", "Teacher@Example.com", "--password", "long enough password");
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/instructor teacher@example\.com created/);
    const sqlite = new Database(database.url.slice("file:".length), { readonly: true });
    try {
      const row = sqlite
        .prepare('SELECT u.role, a.password FROM "User" u JOIN "Account" a ON a.userId = u.id WHERE u.email = ?')
        .get("teacher@example.com") as { role: string; password: string };
      expect(row.role).toBe("instructor");
      expect(row.password).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    } finally {
      sqlite.close();
    }
    const again = createInstructor("--email", "teacher@example.com", "--password", "long enough password");
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const short = createInstructor("--email", "b@example.com", "--password", "short");
    expect(short.status).toBe(2);
    expect(short.stderr).toMatch(/at least 8 characters/);
  });
});
