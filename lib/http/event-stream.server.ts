import "server-only";

export interface EventSink {
  /** One `event:`/`data:` frame, the data as JSON; nothing once the stream is closed. */
  send(event: string, data: unknown): void;
  close(): void;
}

/** Proxies and load balancers close a connection that is silent for long; a comment line every 15 s keeps it open. */
const HEARTBEAT_MS = 15_000;

/**
 * A Server-Sent Events response. `start` writes the first events and returns
 * what stops its source; that runs once, when `start` closes the stream, the
 * client goes away (`signal`) or the reader cancels. A stream closed within
 * `start` ends there, with no heartbeat.
 */
export function eventStreamResponse(signal: AbortSignal, start: (sink: EventSink) => (() => void) | void): Response {
  const encoder = new TextEncoder();
  let closed = false;
  let stopSource: (() => void) | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    clearInterval(heartbeat);
    stopSource?.();
    stopSource = undefined;
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const sink: EventSink = {
        send(event, data) {
          if (!closed) controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        },
        close() {
          if (closed) return;
          closed = true;
          stop();
          controller.close();
        },
      };
      stopSource = start(sink) ?? undefined;
      if (closed) return stop();
      heartbeat = setInterval(() => !closed && controller.enqueue(encoder.encode(": keep-alive\n\n")), HEARTBEAT_MS);
      signal.addEventListener("abort", sink.close);
    },
    cancel() {
      closed = true;
      stop();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
