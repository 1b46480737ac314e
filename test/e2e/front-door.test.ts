import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, startAsReadmeSays, stopProcessGroup, type RunningServer, README_PORT } from "../helpers/server";
import { openBrowser } from "./browser";
import { cell, laneAvailable, setLanes } from "./lab-page";

/**
 * What a new user meets first, on the server exactly as the README starts it:
 * `npm start`, no settings, port 3000 on every address, BETTER_AUTH_URL unset.
 */
const LAN_HOST = "classroom-lab.test";
const resolveLanHost = [`--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`];
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let server: RunningServer;
beforeAll(async () => {
  server = await startAsReadmeSays();
}, 240_000);
afterAll(async () => {
  if (server) await stopProcessGroup(server);
});

async function signUpInBrowser(page: import("playwright-core").Page, origin: string, email: string, next = "/") {
  await page.goto(`${origin}/sign-up?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Name").fill("Front Door");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill("a long enough password");
  await page.getByRole("button", { name: "Sign up", exact: true }).click();
  await expect
    .poll(async () => {
      const error = page.locator(".form-error");
      if (await error.count()) return `form error: ${await error.innerText()}`;
      return new URL(page.url()).pathname;
    }, { timeout: 30_000 })
    .toBe(next.split("?")[0]);
}

async function signedIn(page: import("playwright-core").Page): Promise<boolean> {
  return page.evaluate(async () => ((await (await fetch("/api/progress")).json()) as { signedIn: boolean }).signedIn);
}

describe("the front door, served by `npm start` with the README's defaults", () => {
  it.each(["127.0.0.1", "localhost", LAN_HOST])("signs up from a browser at http://%s:3000", async (host) => {
    const browser = await openBrowser({ args: resolveLanHost });
    try {
      const origin = `http://${host}:${README_PORT}`;
      await signUpInBrowser(browser.page, origin, `door-${unique()}@example.com`);
      expect(await signedIn(browser.page)).toBe(true);
      // The session cookie is one a browser keeps over plain http at a LAN host: no __Secure- prefix, no Secure flag.
      const cookies = await browser.context.cookies(origin);
      const session = cookies.find((c) => c.name.includes("session_token"));
      expect(session, JSON.stringify(cookies)).toBeDefined();
      expect(session!.secure).toBe(false);
    } finally {
      await browser.close();
    }
  });

  it("still refuses a sign-up or sign-in from a page of another site in a browser that holds the lab's cookies (CSRF)", async () => {
    const attempt = (origin: string, path: string) =>
      fetch(`${server.baseUrl}/api/auth/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin, cookie: "lab_visitor=00000000-0000-4000-8000-000000000000" },
        body: JSON.stringify({ email: `csrf-${unique()}@example.com`, password: "a long enough password", name: "x" }),
      });
    for (const path of ["sign-up/email", "sign-in/email"]) {
      const response = await attempt("http://evil.example", path);
      expect(response.status, path).toBe(403);
      // Refused by the API's own cross-site check before better-auth's Origin check sees it (both would).
      expect(((await response.json()) as { error?: string }).error).toMatch(/cross-site request refused.*evil\.example/);
    }
    // The same request from the site's own page goes through the origin check.
    expect((await attempt(server.baseUrl, "sign-up/email")).status).toBe(200);
  });

  it("keeps a learner's lesson isolated after following a link from home: threaded WASM, p50 above zero; the anonymous run counts after sign-up", async () => {
    const browser = await openBrowser();
    try {
      const { page } = browser;
      await page.goto(`${server.baseUrl}/`);
      await page.getByRole("link", { name: "Measuring inference honestly" }).first().click();
      await page.waitForURL(/\/lessons\/latency-is-a-distribution$/);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(await laneAvailable(page, "latency", "browser-wasm-threads")).toBe(true);
      await setLanes(page, "latency", ["browser-wasm-threads"]);
      await page.locator('[data-experiment="latency"]').getByRole("button", { name: "Run" }).click();
      await expect.poll(() => page.locator('[data-testid="latency-table"] tbody tr').count(), { timeout: 110_000 }).toBe(1);
      const p50 = Number((await cell(page, "browser-wasm-threads", "p50").innerText()).replace(/,/g, ""));
      expect(p50).toBeGreaterThan(0);
      expect(Number(await cell(page, "browser-wasm-threads", "threads").innerText())).toBeGreaterThan(1);
      // Stored anonymously (the permalink appears once the save is acknowledged)…
      await expect.poll(() => page.locator('[data-experiment="latency"] a.permalink').count(), { timeout: 15_000 }).toBe(1);
      expect(await signedIn(page)).toBe(false);

      // …and counted in the account this browser then creates.
      await signUpInBrowser(page, server.baseUrl, `anon-${unique()}@example.com`, "/lessons/latency-is-a-distribution");
      const progress = await page.evaluate(async () => (await (await fetch("/api/progress")).json()) as { lessons: Record<string, { experimentsRun: number }> });
      expect(progress.lessons["latency-is-a-distribution"]?.experimentsRun).toBe(1);
    } finally {
      await browser.close();
    }
  });

  it("creates an instructor with `npm run create-instructor` while the server runs, who then signs in", async () => {
    const email = `teacher-${unique()}@example.com`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    const started = Date.now();
    const result = spawnSync("npm", ["run", "create-instructor", "--", "--email", email, "--password", "teacher password"], {
      cwd: root,
      env,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/instructor .* created/);
    expect(Date.now() - started).toBeLessThan(60_000);

    const browser = await openBrowser({ args: resolveLanHost });
    try {
      const { page } = browser;
      await page.goto(`http://${LAN_HOST}:${README_PORT}/login?next=/instructor`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel(/^Password/).fill("teacher password");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL((url) => url.pathname === "/instructor");
      await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Your classes");
    } finally {
      await browser.close();
    }
  });
});
