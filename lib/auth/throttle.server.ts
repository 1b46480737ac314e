import "server-only";
import { db, dbReady } from "@/lib/db/client.server";

/**
 * Password guessing is limited per account and per client address, never by
 * one bucket for everybody: a single global limit let 120 wrong guesses at
 * random e-mails lock a whole class out of sign-in, and refused the 121st of
 * a class signing in together.
 *
 * - Per account: 5 failed sign-ins within 15 minutes lock that account for 15
 *   minutes (429 with Retry-After; the password is not even checked). Keyed on
 *   the e-mail, so it holds whatever headers a client sends. The price: anyone
 *   can lock a known account for 15 minutes; a class would notice.
 * - Per client address, only when a reverse proxy names it (AUTH_CLIENT_IP_HEADER):
 *   200 failures within 15 minutes lock the address for 15 minutes. Only
 *   failures count, so a class of 500 behind one NAT address signs in freely
 *   while a sprayer is stopped after 200 guesses.
 * - Joining a class with a code: 10 wrong codes per account within 15 minutes,
 *   and 100 per address (joinRetryAfterSeconds).
 *
 * Stored in AuthThrottle, apart from better-auth's RateLimit table, whose rows
 * it deletes after 60 s. Every function takes `now` so tests can move the clock.
 */
interface Rule {
  allowed: number;
  windowMs: number;
  lockMs: number;
}

const MINUTE = 60_000;
export const ACCOUNT_RULE: Rule = { allowed: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };
export const ADDRESS_RULE: Rule = { allowed: 200, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };
export const JOIN_ACCOUNT_RULE: Rule = { allowed: 10, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };
export const JOIN_ADDRESS_RULE: Rule = { allowed: 100, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };

type Key = { key: string; rule: Rule };

const accountKey = (email: string): Key => ({ key: `sign-in|account|${email.trim().toLowerCase()}`, rule: ACCOUNT_RULE });
const addressKey = (address: string): Key => ({ key: `sign-in|address|${address}`, rule: ADDRESS_RULE });

function signInKeys(email: string, address: string | null): Key[] {
  return address ? [accountKey(email), addressKey(address)] : [accountKey(email)];
}

function joinKeys(userId: string, address: string | null): Key[] {
  const keys: Key[] = [{ key: `join|account|${userId}`, rule: JOIN_ACCOUNT_RULE }];
  if (address) keys.push({ key: `join|address|${address}`, rule: JOIN_ADDRESS_RULE });
  return keys;
}

/** Seconds until every key is free again, or null when none is locked. */
async function retryAfterSeconds(keys: Key[], now: number): Promise<number | null> {
  await dbReady();
  const rows = await db.authThrottle.findMany({ where: { key: { in: keys.map((k) => k.key) } } });
  const until = Math.max(0, ...rows.map((row) => row.lockedUntil?.getTime() ?? 0));
  return until > now ? Math.ceil((until - now) / 1000) : null;
}

async function recordFailure({ key, rule }: Key, now: number): Promise<void> {
  await dbReady();
  const windowStart = new Date(now - rule.windowMs);
  // A window that has run out starts again at zero; then one atomic increment, safe under concurrent failures.
  await db.authThrottle.updateMany({ where: { key, windowStartedAt: { lt: windowStart } }, data: { failures: 0, windowStartedAt: new Date(now) } });
  const row = await db.authThrottle.upsert({
    where: { key },
    create: { key, failures: 1, windowStartedAt: new Date(now) },
    update: { failures: { increment: 1 } },
  });
  if (row.failures >= rule.allowed) {
    await db.authThrottle.update({ where: { key }, data: { failures: 0, windowStartedAt: new Date(now), lockedUntil: new Date(now + rule.lockMs) } });
  }
}

export function signInRetryAfterSeconds(email: string, address: string | null, now = Date.now()): Promise<number | null> {
  return retryAfterSeconds(signInKeys(email, address), now);
}

export async function recordSignInFailure(email: string, address: string | null, now = Date.now()): Promise<void> {
  for (const key of signInKeys(email, address)) await recordFailure(key, now);
}

/** A correct password forgives the account's earlier typos (never an address's count, shared by many). */
export async function clearSignInFailures(email: string, now = Date.now()): Promise<void> {
  await dbReady();
  await db.authThrottle.deleteMany({ where: { key: accountKey(email).key, OR: [{ lockedUntil: null }, { lockedUntil: { lte: new Date(now) } }] } });
}

export function joinRetryAfterSeconds(userId: string, address: string | null, now = Date.now()): Promise<number | null> {
  return retryAfterSeconds(joinKeys(userId, address), now);
}

export async function recordJoinFailure(userId: string, address: string | null, now = Date.now()): Promise<void> {
  for (const key of joinKeys(userId, address)) await recordFailure(key, now);
}
