import "server-only";
import { HttpError } from "@/lib/http/errors";

/**
 * Cold starts are the expensive kind of job (a whole new session each, ~100 MiB
 * for the large models), so they are bounded twice before they reach the queue:
 * - per lane: one live (queued or running) cold-start job; that alone caps the
 *   server's work, whoever asks and whatever cookies they send;
 * - per client (account, or the anonymous browser's cookie): `perClient` within
 *   `windowMs`, so one learner cannot keep a lane's slot for a whole class.
 * Both answer 429 with Retry-After. Per process: each instance has its own hardware.
 */
export interface ColdStartRule {
  perClient: number;
  windowMs: number;
}

export const COLD_START_RULE: ColdStartRule = { perClient: 12, windowMs: 10 * 60_000 };

export class ColdStartLimiter {
  private readonly liveByLane = new Map<string, number>();
  private readonly startsByClient = new Map<string, number[]>();

  constructor(
    private readonly rule: ColdStartRule = COLD_START_RULE,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * Admits one cold start or throws 429. `laneWaitS` estimates when the lane's
   * live cold start ends. Returns the release to call once the job has ended.
   */
  acquire(lane: string, client: string, laneWaitS: () => number): () => void {
    const now = this.now();
    if (this.startsByClient.size > 10_000) this.forgetExpired(now);
    const recent = (this.startsByClient.get(client) ?? []).filter((t) => now - t < this.rule.windowMs);
    if (recent.length >= this.rule.perClient) {
      const retryAfter = Math.max(1, Math.ceil((recent[0]! + this.rule.windowMs - now) / 1000));
      throw new HttpError(429, `coldStart: at most ${this.rule.perClient} cold starts per ${this.rule.windowMs / 60_000} minutes per learner; retry in ${retryAfter} s`, { "retry-after": String(retryAfter) });
    }
    if (this.liveByLane.has(lane)) {
      const retryAfter = Math.max(1, Math.ceil(laneWaitS()));
      throw new HttpError(429, `coldStart: a cold start on lane ${lane} is already queued or running; retry in about ${retryAfter} s`, { "retry-after": String(retryAfter) });
    }
    recent.push(now);
    this.startsByClient.set(client, recent);
    this.liveByLane.set(lane, now);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.liveByLane.delete(lane);
    };
  }

  private forgetExpired(now: number): void {
    for (const [client, starts] of this.startsByClient) if (starts.every((t) => now - t >= this.rule.windowMs)) this.startsByClient.delete(client);
  }
}
