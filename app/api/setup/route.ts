import { z } from "zod";
import { createFirstInstructor } from "@/lib/auth/instructors.server";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";

const setupSchema = z
  .object({ email: z.email().max(200), password: z.string().min(8).max(128), name: z.string().max(100).optional() })
  .strict();

/** One-time: creates the first instructor on a fresh instance, then refuses (403). */
export function POST(request: Request) {
  return handleErrors(async () => {
    const input = parseWith(setupSchema, await readJsonBody(request, 4096));
    return jsonOk(await createFirstInstructor(input), 201);
  });
}
