import "server-only";
import { z } from "zod";
import { HttpError, jsonError } from "@/lib/http/errors";

/** Bodies beyond this are refused before parsing (413): a JSON tensor of a 4096-wide batch of 64 fits easily. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Reads a JSON body with a hard size limit. A declared Content-Length over the
 * limit is refused unread (HTTP framing guarantees the body is that long); a
 * body without one is counted as it streams, so it cannot exhaust memory.
 */
export async function readJsonBody(request: Request, limitBytes = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limitBytes) {
    throw new HttpError(413, `request body of ${declared} bytes is over the ${limitBytes}-byte limit`);
  }
  if (!request.body) throw new HttpError(400, "request body is empty; send JSON");
  let text: string;
  if (Number.isFinite(declared)) {
    // Length known and within the limit: one read, no per-chunk bookkeeping on the hot path.
    text = await request.text();
    if (Buffer.byteLength(text) > limitBytes) throw new HttpError(413, `request body is over the ${limitBytes}-byte limit`);
  } else {
    text = await readLimited(request.body, limitBytes);
  }
  return parseJsonText(text);
}

/** Deeper than any body the API defines (a v2 tensor is 3 levels, a stored result about 6). */
export const MAX_JSON_DEPTH = 32;

/**
 * JSON.parse plus the two checks every consumer needs before walking a body:
 * nesting bounded (zod and JSON.stringify recurse, and 5,000 levels overflowed
 * the stack into a 500) and no `__proto__` keys (an object literal or zod
 * record given one silently changes its prototype and loses the key). Iterative,
 * so the check itself cannot overflow.
 */
export function parseJsonText(text: string): unknown {
  if (text.trim() === "") throw new HttpError(400, "request body is empty; send JSON");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `malformed JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > MAX_JSON_DEPTH) throw new HttpError(400, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === "object") stack.push([item, depth + 1]);
    } else {
      if (Object.hasOwn(node, "__proto__")) throw new HttpError(400, 'JSON key "__proto__" is not allowed');
      for (const item of Object.values(node)) if (item !== null && typeof item === "object") stack.push([item, depth + 1]);
    }
  }
  return value;
}

async function readLimited(body: ReadableStream<Uint8Array>, limitBytes: number): Promise<string> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw new HttpError(413, `request body is over the ${limitBytes}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function zodMessage(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, `invalid request: ${zodMessage(result.error)}`);
  return result.data;
}

/**
 * Turns thrown errors into the API's JSON error shape. Known problems keep
 * their 4xx; anything else is a 500 that names the failure (and is logged),
 * so a bug is visible rather than a hung request.
 */
export async function handleErrors(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HttpError) return jsonError(error.status, error.message, error.headers);
    if (error instanceof z.ZodError) return jsonError(400, `invalid request: ${zodMessage(error)}`);
    console.error("[api] unexpected error", error);
    return jsonError(500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
