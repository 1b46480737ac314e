import { describe, expect, it } from "vitest";
import { cookieFrom, request } from "../../helpers/route-requests";
import { authHarness } from "./limits-suite";

/** No trusted proxy header (the README's default): limits are per account only. */
const h = authHarness();
const MINUTE = 60_000;

describe("sign-in limits with no trusted client address", () => {
  it("lets a class of 150 sign-ins through in a minute, after a stranger's 120 failed guesses at random e-mails", async () => {
    const accounts = Array.from({ length: 10 }, (_, i) => `class-${i}@example.com`);
    for (const email of accounts) await h.signUp(email);
    for (let i = 0; i < 120; i += 1) expect((await h.signIn(`nobody-${i}@example.com`, "wrong password")).status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 150; i += 1) statuses.push((await h.signIn(accounts[i % accounts.length]!, "correct horse battery")).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // New learners can still sign up too.
    await h.signUp("late-joiner@example.com");
  });

  it("locks one account after 5 failures for 15 minutes, whatever better-auth's own cleanup deletes", async () => {
    const email = "locked@example.com";
    await h.signUp(email);
    const t0 = Date.now();
    for (let i = 0; i < 5; i += 1) await h.throttle.recordSignInFailure(email, null, t0);
    // better-auth deletes RateLimit rows older than 60 s; the lockout lives elsewhere.
    await h.db.rateLimit.deleteMany({});
    expect(await h.throttle.signInRetryAfterSeconds(email, null, t0 + 2 * MINUTE)).toBe(13 * 60);
    expect(await h.throttle.signInRetryAfterSeconds(email, null, t0 + 14 * MINUTE)).toBe(60);
    expect(await h.throttle.signInRetryAfterSeconds(email, null, t0 + 15 * MINUTE)).toBeNull();
    // Through the route, now: the right password is refused while locked, with Retry-After.
    const refused = await h.signIn(email, "correct horse battery");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    expect(((await refused.json()) as { error: string }).error).toMatch(/try again in \d+ s/);
    // Other accounts are untouched.
    await h.signUp("neighbour@example.com");
    expect((await h.signIn("neighbour@example.com", "correct horse battery")).status).toBe(200);
  });

  it("counts failures in a 15-minute window", async () => {
    const email = "slow-typist@example.com";
    const t0 = Date.now() - 60 * MINUTE;
    for (let i = 0; i < 4; i += 1) await h.throttle.recordSignInFailure(email, null, t0);
    // The fifth failure comes 16 minutes after the first four: a new window, no lockout.
    await h.throttle.recordSignInFailure(email, null, t0 + 16 * MINUTE);
    expect(await h.throttle.signInRetryAfterSeconds(email, null, t0 + 16 * MINUTE)).toBeNull();
    for (let i = 0; i < 3; i += 1) await h.throttle.recordSignInFailure(email, null, t0 + 17 * MINUTE);
    expect(await h.throttle.signInRetryAfterSeconds(email, null, t0 + 17 * MINUTE)).toBeNull();
    await h.throttle.recordSignInFailure(email, null, t0 + 18 * MINUTE);
    expect(await h.throttle.signInRetryAfterSeconds(email, null, t0 + 18 * MINUTE)).toBe(15 * 60);
  });

  it("forgives earlier typos after a correct password", async () => {
    const email = "typist@example.com";
    await h.signUp(email);
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 4; i += 1) expect((await h.signIn(email, "typo")).status).toBe(401);
      expect((await h.signIn(email, "correct horse battery")).status).toBe(200);
    }
  });

  it("answers auth errors in the API's shape, code kept", async () => {
    const response = await h.signIn("neighbour@example.com", "wrong");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: expect.any(String), code: "INVALID_EMAIL_OR_PASSWORD" });
  });

  it("refuses names over 100 characters and e-mails over 254 with a 400 naming the field", async () => {
    const signUp = (body: Record<string, string>) => h.auth.POST(request("/api/auth/sign-up/email", { body: { password: "correct horse battery", ...body } }));
    const longName = await signUp({ email: "long-name@example.com", name: "n".repeat(101) });
    expect(longName.status).toBe(400);
    expect(((await longName.json()) as { error: string }).error).toMatch(/name is 101 characters; at most 100/);
    expect((await signUp({ email: "ok-name@example.com", name: "n".repeat(100) })).status).toBe(200);
    const longEmail = await signUp({ email: `${"e".repeat(243)}@example.com`, name: "x" });
    expect(longEmail.status).toBe(400);
    expect(((await longEmail.json()) as { error: string }).error).toMatch(/email is 255 characters/);
    const control = await signUp({ email: "ctl@example.com", name: "a\u0000b" });
    expect(control.status).toBe(400);
    const hugeName = await signUp({ email: "huge@example.com", name: "n".repeat(100_000) });
    expect(hugeName.status).toBe(400);
    expect(hugeName.headers.getSetCookie()).toEqual([]);
  });

  it("limits wrong join codes per account (429 with Retry-After), and a right code still works for others", async () => {
    await h.signUp("teacher@example.com");
    await h.db.user.update({ where: { email: "teacher@example.com" }, data: { role: "instructor" } });
    // Signed in again: the session's cookie cache still says "learner" for up to 60 s.
    const teacher = cookieFrom(await h.signIn("teacher@example.com", "correct horse battery"));
    const created = await h.classes.POST(request("/api/classes", { body: { name: "Period 1" }, cookie: teacher }));
    expect(created.status).toBe(201);
    const { joinCode: code } = (await created.json()) as { joinCode: string };
    const guesser = await h.signUp("guesser@example.com");
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await h.join.POST(request("/api/classes/join", { body: { code: `ZZZZ${i}` }, cookie: guesser }))).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(404));
    expect(statuses.slice(10)).toEqual([429, 429]);
    const locked = await h.join.POST(request("/api/classes/join", { body: { code }, cookie: guesser }));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    const learner = await h.signUp("honest@example.com");
    expect((await h.join.POST(request("/api/classes/join", { body: { code }, cookie: learner }))).status).toBe(200);
  });
});
