import { classesFor, createClass } from "@/lib/auth/classes.server";
import { createClassSchema } from "@/lib/auth/schemas";
import { requireInstructor, requireUser } from "@/lib/auth/session.server";
import { jsonOk } from "@/lib/http/errors";
import { handleErrors, parseWith, readJsonBody } from "@/lib/http/request.server";

export function GET(request: Request) {
  return handleErrors(async () => {
    const user = await requireUser(request.headers);
    return jsonOk({ role: user.role, classes: await classesFor(user.id, user.role) });
  });
}

export function POST(request: Request) {
  return handleErrors(async () => {
    const user = await requireInstructor(request.headers);
    const { name } = parseWith(createClassSchema, await readJsonBody(request, 4096));
    const created = await createClass(user.id, name);
    return jsonOk({ id: created.id, name: created.name, joinCode: created.joinCode }, 201);
  });
}
