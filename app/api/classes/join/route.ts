import { clientAddress } from "@/lib/auth/auth.server";
import { joinClass } from "@/lib/auth/classes.server";
import { joinClassSchema } from "@/lib/auth/schemas";
import { requireUser } from "@/lib/auth/session.server";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";

export function POST(request: Request) {
  return handleErrors(async () => {
    const user = await requireUser(request.headers);
    const { code } = parseWith(joinClassSchema, await readJsonBody(request, 4096));
    return jsonOk({ joined: await joinClass(user.id, code, clientAddress(request.headers)) });
  });
}
