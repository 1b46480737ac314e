import { afterAll, beforeAll, expect } from "vitest";
import { cookieFrom, request, useTestDatabase } from "../../helpers/route-requests";
import { sqliteDatabase, type TestDatabase } from "../../helpers/databases";

type Post = (r: Request) => Promise<Response>;

export interface AuthHarness {
  auth: { POST: Post };
  join: { POST: Post };
  classes: { POST: Post };
  db: typeof import("@/lib/db/client.server").db;
  throttle: typeof import("@/lib/auth/throttle.server");
  signUp(email: string, password?: string, headers?: Record<string, string>): Promise<string>;
  signIn(email: string, password: string, headers?: Record<string, string>): Promise<Response>;
}

/** Route handlers on a fresh SQLite file; `env` is set before the auth module reads it. */
export function authHarness(env: Record<string, string> = {}): AuthHarness {
  let database: TestDatabase;
  const harness = {} as AuthHarness;
  beforeAll(async () => {
    database = sqliteDatabase();
    useTestDatabase(database);
    Object.assign(process.env, env);
    harness.auth = await import("@/app/api/auth/[...all]/route");
    harness.join = await import("@/app/api/classes/join/route");
    harness.classes = await import("@/app/api/classes/route");
    harness.db = (await import("@/lib/db/client.server")).db;
    harness.throttle = await import("@/lib/auth/throttle.server");
    harness.signUp = async (email, password = "correct horse battery", headers = {}) => {
      const response = await harness.auth.POST(request("/api/auth/sign-up/email", { body: { email, password, name: email.split("@")[0] }, headers }));
      expect(response.status, await response.clone().text()).toBe(200);
      return cookieFrom(response);
    };
    harness.signIn = (email, password, headers = {}) => harness.auth.POST(request("/api/auth/sign-in/email", { body: { email, password }, headers }));
  }, 120_000);
  afterAll(async () => {
    for (const name of Object.keys(env)) delete process.env[name];
    await harness.db?.$disconnect();
    await database?.stop();
  });
  return harness;
}
