/**
 * What a CUDA_VISIBLE_DEVICES value exposes to a CUDA process. Browser-safe
 * (the device panel shows the same reading the server's lane uses).
 *
 * The rules are NVIDIA's, from the CUDA C++ Programming Guide, section "CUDA
 * Environment Variables" (https://docs.nvidia.com/cuda/cuda-c-programming-guide/index.html#env-vars):
 * the value is a comma-separated sequence of GPU indices or UUIDs ("GPU-…",
 * "MIG-…", abbreviated to a unique prefix allowed); only the listed devices are
 * visible, enumerated in the order listed (so "1,0" makes physical GPU 1 the
 * process's device 0); and if an entry is invalid, only the devices listed
 * before it are visible. "-1" is therefore a common way to hide every GPU, and
 * "0,-1,1" exposes GPU 0 alone. Unset means every GPU is visible. `all` is not a
 * CUDA value (it belongs to NVIDIA_VISIBLE_DEVICES of the NVIDIA Container
 * Toolkit, which decides which GPUs a container gets at all): CUDA reads it as
 * an invalid first entry and hides every GPU.
 */

export interface ExposedDevice {
  /** The device number the process sees (cudaGetDevice / the EP's deviceId). */
  ordinal: number;
  /** The entry as written. */
  entry: string;
  /** The physical GPU by index, or null when named by UUID. */
  physicalIndex: number | null;
}

export interface CudaVisibility {
  /** The raw value; null when unset. */
  value: string | null;
  /** True when unset: no filter, every GPU the driver has is visible. */
  unfiltered: boolean;
  exposed: ExposedDevice[];
  /** The first invalid entry, where enumeration stopped; null when none. */
  stoppedAt: { entry: string; position: number; why: string } | null;
  /** Entries after the invalid one: listed, yet never visible. */
  ignored: string[];
  /** The reading in plain words. */
  summary: string;
}

const INDEX = /^\d+$/;
// A UUID as nvidia-smi -L prints it, or a unique prefix of one (at least "GPU-" and one hex digit).
const UUID = /^(GPU|MIG)-[0-9a-fA-F][0-9a-fA-F-]*(\/\d+\/\d+)?$/;

function entryProblem(entry: string, physicalCount: number | null, earlier: string[]): string | null {
  if (entry === "") return "an empty entry is not a GPU index or UUID";
  if (INDEX.test(entry)) {
    const index = Number(entry);
    if (physicalCount !== null && index >= physicalCount) return `index ${index} does not exist (the machine has ${physicalCount} GPU${physicalCount === 1 ? "" : "s"})`;
    if (earlier.some((e) => INDEX.test(e) && Number(e) === index)) return `GPU ${index} is already listed`;
    return null;
  }
  if (UUID.test(entry)) return earlier.includes(entry) ? `${entry} is already listed` : null;
  if (/^-\d+$/.test(entry)) return `${entry} is a negative index, which no GPU has`;
  return `"${entry}" is neither a GPU index nor a GPU-/MIG- UUID`;
}

/**
 * Reads a CUDA_VISIBLE_DEVICES value. `physicalCount` (from nvidia-smi) makes
 * indices past the last GPU invalid too; without it, every non-negative
 * index is assumed to exist. Entries are trimmed of spaces.
 */
export function parseCudaVisibleDevices(value: string | undefined | null, physicalCount: number | null = null): CudaVisibility {
  if (value === undefined || value === null) {
    return { value: null, unfiltered: true, exposed: [], stoppedAt: null, ignored: [], summary: "unset: every GPU the driver sees is visible, in the driver's order" };
  }
  if (value.trim() === "") {
    return { value, unfiltered: false, exposed: [], stoppedAt: null, ignored: [], summary: "set but empty: no GPU is visible" };
  }
  const entries = value.split(",").map((e) => e.trim());
  const exposed: ExposedDevice[] = [];
  for (const [position, entry] of entries.entries()) {
    const why = entryProblem(
      entry,
      physicalCount,
      exposed.map((d) => d.entry),
    );
    if (why) {
      const ignored = entries.slice(position + 1);
      const visible = exposed.length === 0 ? "no GPU is visible" : `only ${describe(exposed)} ${exposed.length === 1 ? "is" : "are"} visible`;
      const after = ignored.length ? `; ${ignored.map((e) => `"${e}"`).join(", ")} after it ${ignored.length === 1 ? "is" : "are"} ignored` : "";
      return { value, unfiltered: false, exposed, stoppedAt: { entry, position, why }, ignored, summary: `enumeration stops at "${entry}" (${why}), so ${visible}${after}` };
    }
    exposed.push({ ordinal: exposed.length, entry, physicalIndex: INDEX.test(entry) ? Number(entry) : null });
  }
  return { value, unfiltered: false, exposed, stoppedAt: null, ignored: [], summary: `${describe(exposed)} ${exposed.length === 1 ? "is" : "are"} visible` };
}

function describe(devices: ExposedDevice[]): string {
  const each = devices.map((d) => (d.physicalIndex !== null ? `GPU ${d.physicalIndex}` : d.entry) + ` as device ${d.ordinal}`);
  return each.join(", ");
}

/** Whether the value leaves the process no GPU at all. */
export function hidesEveryGpu(visibility: CudaVisibility): boolean {
  return !visibility.unfiltered && visibility.exposed.length === 0;
}

/** The values the device panel probes: unset and empty, hiding, single, pair, and an invalid entry mid-list. */
export const CUDA_VISIBLE_DEVICES_PROBES: ReadonlyArray<string | null> = [null, "", "-1", "0", "1", "0,1", "1,0", "0,-1,1", "all"];
