import { classesTaught } from "@/lib/instructor/access.server";
import { requireInstructor } from "@/lib/auth/session.server";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors } from "@/lib/http/request.server";

/** The classes the signed-in instructor teaches. */
export function GET(request: Request) {
  return handleErrors(async () => {
    const user = await requireInstructor(request.headers);
    return jsonOk({ classes: await classesTaught(user.id) });
  });
}
