/**
 * What a learner's browser is asked to hold before a model file is read: checked from the
 * file's size alone, so nothing is loaded when the answer is no. No Node modules.
 */

/** The page's own cap (YOUR_MODEL_MAX_BYTES on the server overrides it): 1 GiB. */
export const DEFAULT_MAX_MODEL_BYTES = 1024 ** 3;

/**
 * A run holds the file about three times at once: the page's copy, the copy handed to the
 * worker, and onnxruntime's weights inside its WebAssembly memory.
 */
export const COPIES_WHILE_RUNNING = 3;

/** onnxruntime-web's WebAssembly memory is 32-bit: nothing over 4 GiB fits, whatever the device has. */
export const WASM_MEMORY_BYTES = 4 * 1024 ** 3;

export const formatBytes = (n: number): string =>
  n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(2)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;

/**
 * Why this browser should not load a file of `sizeBytes`, in plain words, or null.
 * `deviceMemoryGiB` is navigator.deviceMemory (Chromium only; rounded down and capped at 8 for privacy).
 */
export function sizeRefusal(sizeBytes: number, maxBytes: number, deviceMemoryGiB: number | null | undefined): string | null {
  if (sizeBytes > maxBytes) {
    return `This file is ${formatBytes(sizeBytes)}; this lab accepts models up to ${formatBytes(maxBytes)}, so it was not loaded.`;
  }
  const needed = sizeBytes * COPIES_WHILE_RUNNING;
  if (needed > WASM_MEMORY_BYTES) {
    return `This file is ${formatBytes(sizeBytes)}; running it needs about ${formatBytes(needed)} (the file is held about ${COPIES_WHILE_RUNNING} times while it runs), more than the 4 GiB a browser's WebAssembly memory can address, so it was not loaded.`;
  }
  if (deviceMemoryGiB && needed > deviceMemoryGiB * 1024 ** 3 * 0.5) {
    return `This file is ${formatBytes(sizeBytes)}; running it needs about ${formatBytes(needed)}, more than half of the ${deviceMemoryGiB} GiB your browser reports for this device, so loading it would likely crash the tab. It was not loaded.`;
  }
  return null;
}

/**
 * onnxruntime-web's errors for inputs a model will not take, rephrased; the runtime's own
 * words always follow, since only they name the layer.
 */
export function plainRuntimeError(message: string): string {
  const text = message.trim();
  if (/Got invalid dimensions for input|invalid rank for input|Got: \d+ Expected: \d+/i.test(text)) {
    return `The model refuses this shape: one of its inputs has a fixed size that these values do not match. onnxruntime-web said: ${text}`;
  }
  if (/broadcast|Incompatible dimensions|cannot reshape|input shape|shape mismatch|ShapeInferenceError|dimension mismatch|out of range|indices element/i.test(text)) {
    return `The model refuses these dimension values: its layers do not fit together at this size (it may need a particular sequence length or image size). onnxruntime-web said: ${text}`;
  }
  if (/out of memory|memory access out of bounds|Aborted\(|bad_alloc|allocation|OOM/i.test(text)) {
    return `The browser ran out of memory at this size; try smaller dimension values or batch. onnxruntime-web said: ${text}`;
  }
  return text;
}
