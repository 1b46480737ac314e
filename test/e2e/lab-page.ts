import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/** One experiment's section; `section` picks one when a lesson has several of that kind. */
const sectionOf = (page: Page, experiment: string, section?: Locator) => section ?? page.locator(`[data-experiment="${experiment}"]`);

/** Lane notes say "Checking…"/"Asking…" until the server and the browser probe have answered. */
export async function lanesSettled(page: Page, experiment: string, section?: Locator) {
  const notes = sectionOf(page, experiment, section).locator(".lane-note");
  await expect.poll(async () => (await notes.allInnerTexts()).filter((t) => /^(Checking|Asking)/.test(t)).length, { timeout: 20_000 }).toBe(0);
}

export async function setLanes(page: Page, experiment: string, lanes: string[], only?: Locator) {
  const section = sectionOf(page, experiment, only);
  await lanesSettled(page, experiment, only);
  for (const box of await section.locator('input[name="lane"]').all()) {
    const value = await box.getAttribute("value");
    if (await box.isDisabled()) continue;
    if (lanes.includes(value!)) await box.check();
    else await box.uncheck();
  }
}

export async function laneAvailable(page: Page, experiment: string, lane: string, section?: Locator): Promise<boolean> {
  const li = sectionOf(page, experiment, section).locator(`li[data-lane="${lane}"]`);
  await expect.poll(() => li.locator(".lane-note").innerText(), { timeout: 20_000 }).not.toMatch(/^(Checking|Asking)/);
  return (await li.getAttribute("data-available")) === "true";
}

export function cell(page: Page, lane: string, field: string) {
  return page.locator(`[data-testid="latency-table"] tr[data-lane="${lane}"] [data-field="${field}"]`);
}
