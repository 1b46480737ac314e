/**
 * Reading the learner's chosen file into the page, and nowhere else: no request carries
 * it. The limits are checked from its size first, then an allocation is tried, so a file
 * the tab cannot hold is refused before any of it is read.
 */
import { sizeRefusal } from "./limits";

export type ReadResult = { ok: true; bytes: Uint8Array; sha256: string } | { ok: false; reason: string };

function deviceMemory(): number | null {
  const value = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  return typeof value === "number" && value > 0 ? value : null;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function readModelFile(file: File, maxBytes: number): Promise<ReadResult> {
  const refusal = sizeRefusal(file.size, maxBytes, deviceMemory());
  if (refusal) return { ok: false, reason: refusal };
  try {
    // A trial allocation of the size: where the tab cannot spare it, this fails in a catchable way.
    new ArrayBuffer(file.size * 2);
  } catch {
    return { ok: false, reason: `Your browser could not set aside memory for this ${file.name} (it needs room for two copies of the file), so it was not loaded.` };
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    return { ok: false, reason: `The browser could not read the file: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { ok: true, bytes, sha256: await sha256Hex(bytes) };
}
