import { z } from "zod";
import { clientAddress } from "@/lib/auth/auth.server";
import { joinClass } from "@/lib/auth/classes.server";
import { requireUser } from "@/lib/auth/session.server";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";

const joinSchema = z.object({ code: z.string().trim().min(4).max(16) }).strict();

export function POST(request: Request) {
  return handleErrors(async () => {
    const user = await requireUser(request.headers);
    const { code } = parseWith(joinSchema, await readJsonBody(request, 4096));
    return jsonOk({ joined: await joinClass(user.id, code, clientAddress(request.headers)) });
  });
}
