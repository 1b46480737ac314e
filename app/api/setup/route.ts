import { createFirstInstructor } from "@/lib/auth/instructors.server";
import { setupSchema } from "@/lib/auth/schemas";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";

/** One-time: creates the first instructor on a fresh instance, then refuses (403). */
export function POST(request: Request) {
  return handleErrors(async () => {
    const input = parseWith(setupSchema, await readJsonBody(request, 4096));
    return jsonOk(await createFirstInstructor(input), 201);
  });
}
