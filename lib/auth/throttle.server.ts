import "server-only";
import { db, dbReady } from "@/lib/db/client.server";

/**
 * Failed sign-ins per email address: after 5 failures in 15 minutes that
 * account refuses passwords (429) until the window passes. Keyed on the
 * account, not the IP, so it holds whatever headers a client sends; stored in
 * better-auth's RateLimit table so every instance sees the same count.
 */
export const LOGIN_FAILURES_ALLOWED = 5;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

const keyFor = (email: string) => `login-email|${email.trim().toLowerCase()}`;

export async function loginRetryAfterSeconds(email: string): Promise<number | null> {
  await dbReady();
  const row = await db.rateLimit.findUnique({ where: { key: keyFor(email) } });
  if (!row || row.count < LOGIN_FAILURES_ALLOWED) return null;
  const left = Number(row.lastRequest) + LOGIN_WINDOW_MS - Date.now();
  return left > 0 ? Math.ceil(left / 1000) : null;
}

export async function recordLoginFailure(email: string): Promise<void> {
  const key = keyFor(email);
  const now = Date.now();
  const row = await db.rateLimit.findUnique({ where: { key } });
  if (!row || now - Number(row.lastRequest) > LOGIN_WINDOW_MS) {
    await db.rateLimit.upsert({
      where: { key },
      create: { id: crypto.randomUUID(), key, count: 1, lastRequest: BigInt(now) },
      update: { count: 1, lastRequest: BigInt(now) },
    });
  } else {
    await db.rateLimit.update({ where: { key }, data: { count: { increment: 1 }, lastRequest: BigInt(now) } });
  }
}

export async function clearLoginFailures(email: string): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key: keyFor(email) } });
}
