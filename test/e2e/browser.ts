import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium; never a downloaded browser. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags verified on this kind of machine (see DESIGN.md): no network chatter, WebGPU on SwiftShader. Shared with scripts/audit. */
export const baseArgs = [
  "--no-sandbox",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

export interface BrowserOptions {
  /** Adds --enable-unsafe-webgpu so navigator.gpu gets SwiftShader's (software) adapter. */
  webgpu?: boolean;
  /** Extra Chromium flags, e.g. --host-resolver-rules to reach this machine by a LAN-style host name. */
  args?: string[];
}

export interface LabBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh profile per browser, as the verified WebGPU setup needs (launchPersistentContext). */
export async function openBrowser(options: BrowserOptions = {}): Promise<LabBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), "inference-lab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [...baseArgs, ...(options.webgpu ? ["--enable-unsafe-webgpu"] : ["--disable-gpu"]), ...(options.args ?? [])],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
