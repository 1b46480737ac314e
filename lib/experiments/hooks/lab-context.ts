"use client";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import type { BrowserRuntimeSizes } from "@/lib/browser/builds";
import { probeBrowser, type BrowserProbe } from "@/lib/browser/probe";
import type { WireCapabilities } from "@/lib/inference/wire";
import { errorText } from "../api";
import { resultSlugOf } from "../schema";
import { type Capabilities, type LaneKey, laneStatus } from "../lanes";

/*
 * Module-level on purpose, and private to useLabContext: every experiment on a
 * page shares one answer to each question (a lesson may hold five), and a
 * lesson's MDX has no provider to hang a React context on. A failed
 * capabilities request is forgotten, so the next mount asks again.
 */
let capabilitiesPromise: Promise<Capabilities> | null = null;
let probePromise: Promise<BrowserProbe> | null = null;
let runtimePromise: Promise<BrowserRuntimeSizes | null> | null = null;

/** The lesson slug of a page outside /lessons/. */
export const UNKNOWN_LESSON = "unknown";

/** Server lanes and the browser's abilities, asked once per page however many experiments it holds. */
export function useLabContext() {
  const [capabilities, setCapabilities] = useState<Capabilities | null>(null);
  const [capabilitiesError, setCapabilitiesError] = useState<string | null>(null);
  const [probe, setProbe] = useState<BrowserProbe | null>(null);
  const [runtime, setRuntime] = useState<BrowserRuntimeSizes | null>(null);
  useEffect(() => {
    // Sizes only (a small JSON): the runtime itself is not fetched before Run.
    runtimePromise ??= fetch("/api/browser-runtime").then(
      async (r) => (r.ok ? ((await r.json()) as BrowserRuntimeSizes) : null),
      () => null,
    );
    capabilitiesPromise ??= fetch("/api/capabilities").then(async (r) => (r.ok ? ((await r.json()) as WireCapabilities) : Promise.reject(new Error(await errorText(r)))));
    probePromise ??= probeBrowser();
    let live = true;
    capabilitiesPromise.then(
      (c) => live && setCapabilities(c),
      (e: unknown) => {
        capabilitiesPromise = null;
        if (live) setCapabilitiesError(e instanceof Error ? e.message : String(e));
      },
    );
    void probePromise.then((p) => live && setProbe(p));
    void runtimePromise.then((r) => live && setRuntime(r));
    return () => {
      live = false;
    };
  }, []);
  const pathname = usePathname();
  const lessonSlug = resultSlugOf(pathname);
  const status = useCallback((key: LaneKey, modelId: string) => laneStatus(key, modelId, capabilities, capabilitiesError, probe), [capabilities, capabilitiesError, probe]);
  return { capabilities, probe, runtime, lessonSlug, status };
}
