import "server-only";
import { HttpError } from "@/lib/http/errors";
import { auth } from "./auth.server";

export type Role = "learner" | "instructor";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** The signed-in user for a request's cookies, or null. */
export async function currentUser(headers: Headers): Promise<SessionUser | null> {
  const session = await auth().api.getSession({ headers });
  if (!session) return null;
  const user = session.user as typeof session.user & { role?: string };
  return { id: user.id, email: user.email, name: user.name, role: user.role === "instructor" ? "instructor" : "learner" };
}

export async function requireUser(headers: Headers): Promise<SessionUser> {
  const user = await currentUser(headers);
  if (!user) throw new HttpError(401, "sign in first");
  return user;
}

export async function requireInstructor(headers: Headers): Promise<SessionUser> {
  const user = await requireUser(headers);
  if (user.role !== "instructor") throw new HttpError(403, "instructors only");
  return user;
}
