/**
 * The experiments' side of the lab's HTTP API: benchmark jobs followed over
 * their event stream, and the {"error": ...} body every failed call carries.
 */
import type { WireJobSnapshot } from "@/lib/inference/wire";
import type { Progress } from "./lanes";

/** A lane's work ended by Stop: not a failure to report. */
export class LaneCancelled extends Error {}

type JobSnapshot = WireJobSnapshot;

export async function errorText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: string };
    return body.error ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/**
 * Submits a benchmark job and follows its event stream until it ends; abort
 * cancels the job on the server too (DELETE), so it frees the hardware.
 */
export async function runServerJob(body: Record<string, unknown>, onProgress: Progress, signal: AbortSignal): Promise<JobSnapshot> {
  const response = await fetch("/api/benchmarks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
  if (!response.ok) throw new Error(response.status === 429 ? `The server is busy with other benchmarks; try again in ${response.headers.get("retry-after") ?? "a few"} s.` : await errorText(response));
  const { id } = (await response.json()) as { id: string };
  const final = await new Promise<JobSnapshot>((resolve, reject) => {
    const events = new EventSource(`/api/benchmarks/${id}/events`);
    const onAbort = () => {
      events.close();
      void fetch(`/api/benchmarks/${id}`, { method: "DELETE" }).catch(() => undefined);
      reject(new LaneCancelled("stopped"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const update = (message: MessageEvent<string>) => {
      const snapshot = JSON.parse(message.data) as JobSnapshot;
      const waiting = snapshot.state === "queued" ? `waiting for the server (${snapshot.queuePosition ?? 0} ahead)` : snapshot.message;
      onProgress(snapshot.progress, waiting);
      return snapshot;
    };
    events.addEventListener("snapshot", (m) => update(m as MessageEvent<string>));
    events.addEventListener("progress", (m) => update(m as MessageEvent<string>));
    events.addEventListener("end", (m) => {
      events.close();
      signal.removeEventListener("abort", onAbort);
      resolve(update(m as MessageEvent<string>));
    });
    events.onerror = () => {
      if (events.readyState === EventSource.CLOSED) {
        signal.removeEventListener("abort", onAbort);
        reject(new Error("lost the connection to the server's progress stream"));
      }
    };
  });
  if (final.state === "failed") throw new Error(final.error ?? "the server job failed");
  if (final.state === "cancelled") throw new LaneCancelled("stopped");
  return final;
}
