import type { Page } from "playwright-core";
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

/**
 * Scrolls through the whole lesson a screen at a time and, at each stop, lists the lesson's text blocks
 * that the "On this page" box covers on screen (bounding boxes that intersect).
 */
async function coveredWhileScrolling(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const toc = document.querySelector('nav[aria-label="On this page"]')!;
    const blocks = [...document.querySelectorAll("article.lesson-body :is(p, li, h1, h2, h3, pre, table, figure)")];
    const covered = new Set<string>();
    const stops = Math.ceil(document.documentElement.scrollHeight / (window.innerHeight / 2));
    for (let stop = 0; stop <= stops; stop++) {
      window.scrollTo(0, (stop * window.innerHeight) / 2);
      await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
      const box = toc.getBoundingClientRect();
      if (box.bottom <= 0 || box.top >= window.innerHeight) continue;
      for (const block of blocks) {
        const r = block.getBoundingClientRect();
        if (r.width === 0 || r.bottom <= 0 || r.top >= window.innerHeight) continue;
        if (r.left < box.right && box.left < r.right && r.top < box.bottom && box.top < r.bottom) covered.add((block.textContent ?? "").slice(0, 50));
      }
    }
    window.scrollTo(0, 0);
    return [...covered];
  });
}

describe("the lesson's table of contents", () => {
  it("is a collapsed, non-sticky box on a 390 px phone that never covers the lesson text", async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/lessons/cpu-or-gpu`);
    const toc = page.locator('nav[aria-label="On this page"]');
    const firstEntry = toc.getByRole("link").first();
    expect(await toc.locator("details").evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
    expect(await firstEntry.isVisible()).toBe(false);
    expect(await toc.evaluate((el) => getComputedStyle(el).position)).not.toBe("sticky");
    expect(await coveredWhileScrolling(page)).toEqual([]);

    // Opened, it lists the sections in the flow of the page and still covers nothing as the learner scrolls.
    await toc.getByText("On this page").click();
    await firstEntry.waitFor({ state: "visible" });
    expect(await coveredWhileScrolling(page)).toEqual([]);
    await toc.getByRole("link", { name: "Check yourself" }).click();
    await expect.poll(() => page.evaluate(() => document.getElementById("check-yourself")!.getBoundingClientRect().top)).toBeLessThan(10);
  });

  it("is an open, sticky sidebar beside the text at 1280 px", async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${baseUrl}/lessons/cpu-or-gpu`);
    const toc = page.locator('nav[aria-label="On this page"]');
    expect(await toc.getByRole("link").first().isVisible()).toBe(true);
    expect(await toc.getByRole("link", { name: "Check yourself" }).isVisible()).toBe(true);
    expect(await toc.evaluate((el) => getComputedStyle(el).position)).toBe("sticky");
    const article = (await page.locator("article.lesson-body").boundingBox())!;
    const sidebar = (await toc.boundingBox())!;
    expect(sidebar.x).toBeGreaterThanOrEqual(article.x + article.width);
    expect(await coveredWhileScrolling(page)).toEqual([]);
    // Halfway down the lesson it is still on screen.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    await expect.poll(async () => (await toc.boundingBox())!.y).toBeLessThan(50);
    expect(await toc.getByRole("link").first().isVisible()).toBe(true);
  });
});
