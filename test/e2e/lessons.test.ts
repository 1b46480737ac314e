import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";

const baseUrl = inject("baseUrl");
let browser: LabBrowser;

beforeAll(async () => {
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("lessons in a real browser", () => {
  it("lists lessons on the home page in order and follows one to its rendered MDX", async () => {
    const { page } = browser;
    await page.goto(baseUrl);
    const titles = await page.locator(".lesson-card h3").allTextContents();
    expect(titles).toEqual(["CPU or GPU? Start from a measurement", "Latency is a distribution, not a number"]);
    await expect.poll(() => page.locator(".lesson-card").first().innerText()).toMatch(/\d+ min read/);

    await page.getByRole("link", { name: "Latency is a distribution, not a number" }).click();
    await page.waitForURL("**/lessons/latency-is-a-distribution");
    await expect.poll(() => page.locator("h1").innerText()).toBe("Latency is a distribution, not a number");
    // Rendered from MDX: headings with ids from rehype-slug, and the table of contents that links to them.
    expect(await page.locator("article h2#percentiles-say-what-users-feel").count()).toBe(1);
    expect(await page.locator('nav[aria-label="On this page"] a[href="#how-many-runs-are-enough"]').count()).toBe(1);
    expect(await page.locator(".callout").innerText()).toContain("Warm-up is not cheating");
  });

  it("hydrates a component imported from the lesson's own folder, which responds to clicks", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/lessons/latency-is-a-distribution`);
    expect(await page.getByTestId("prediction-feedback").count()).toBe(0);
    await page.getByRole("button", { name: "About 1% of page loads" }).click();
    await expect.poll(() => page.getByTestId("prediction-feedback").innerText()).toMatch(/^Not quite\. .*0\.99\^20/);
    await page.getByRole("button", { name: "About 18% of page loads" }).click();
    await expect.poll(() => page.getByTestId("prediction-feedback").innerText()).toMatch(/^Right\./);
    expect(await page.getByRole("button", { name: "About 18% of page loads" }).getAttribute("aria-pressed")).toBe("true");
  });

  it("highlights code at build time and links lessons to each other", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/lessons/cpu-or-gpu`);
    expect(await page.locator("pre code.hljs .hljs-keyword").count()).toBeGreaterThan(0);
    await page.getByRole("link", { name: /Latency is a distribution/ }).last().click();
    await page.waitForURL("**/lessons/latency-is-a-distribution");
    expect(await page.locator('a[rel="prev"]').innerText()).toContain("CPU or GPU?");
  });

  it("answers an unknown lesson with the 404 page", async () => {
    const { page } = browser;
    const response = await page.goto(`${baseUrl}/lessons/no-such-lesson`);
    expect(response?.status()).toBe(404);
    expect(await page.locator("h1").innerText()).toBe("Page not found");
  });
});

describe("health endpoint", () => {
  it("reports the database as reachable", async () => {
    const response = await fetch(`${baseUrl}/api/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; database: { ok: boolean; provider: string } };
    expect(body.status).toBe("ok");
    expect(body.database).toMatchObject({ ok: true, provider: "sqlite" });
  });
});
