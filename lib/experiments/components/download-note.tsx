"use client";
import type { BrowserRuntimeSizes } from "@/lib/browser/builds";
import { fmtMB } from "../format";
import { browserDownloadBytes, type LaneKey } from "../lanes";

/**
 * What Run will download into the learner's browser, from the files' real
 * sizes (the server stats public/ort; the registry knows each model's size),
 * said before they press it.
 */
export function DownloadNote({ lanes, modelIds, runtime }: { lanes: LaneKey[]; modelIds: string[]; runtime: BrowserRuntimeSizes | null }) {
  const browser = lanes.filter((k) => k.startsWith("browser-"));
  if (browser.length === 0) return null;
  // The WASM lanes share one runtime; each file is downloaded once and then comes from the browser's cache.
  const runtimes = new Map<string, number | null>();
  for (const key of browser) runtimes.set(key === "browser-webgpu" ? "WebGPU runtime" : "WASM runtime", browserDownloadBytes(key, modelIds[0]!, runtime).runtime);
  const modelBytes = modelIds.map((id) => browserDownloadBytes(browser[0]!, id, runtime).model);
  const parts = [...runtimes].map(([name, bytes]) => `${name} ${bytes === null ? "(size unknown)" : fmtMB(bytes)}`);
  const modelsKnown = modelBytes.every((b) => b !== null);
  parts.push(`${modelIds.length === 1 ? "model" : `${modelIds.length} models`} ${modelsKnown ? fmtMB(modelBytes.reduce<number>((a, b) => a + b!, 0)) : "(size unknown)"}`);
  const total = [...runtimes.values(), ...modelBytes].every((b) => b !== null) ? [...runtimes.values(), ...modelBytes].reduce<number>((a, b) => a + b!, 0) : null;
  return (
    <p className="muted download-note" data-testid="download-note">
      Run downloads{total === null ? null : <> <strong>{fmtMB(total)}</strong></>} into your browser: {parts.join(", ")}. Later runs take them from the browser&apos;s cache.
    </p>
  );
}
