import "server-only";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { currentUser, type SessionUser } from "@/lib/auth/session.server";
import { taughtClass, type TaughtClass } from "./access.server";

/**
 * For instructor pages (proxy.ts already answers learners with a 403 before
 * the page runs; this is the second lock, and the one that knows the class).
 * Anonymous → /login and back; a learner who gets here anyway → the 404 page.
 */
export async function instructorForPage(path: string): Promise<SessionUser> {
  const user = await currentUser(await headers());
  if (!user) redirect(`/login?next=${encodeURIComponent(path)}`);
  if (user.role !== "instructor") notFound();
  return user;
}

/** The class when the signed-in instructor teaches it; someone else's class is a 404, as an unknown id is. */
export async function classForPage(classId: string, path: string): Promise<{ user: SessionUser; klass: TaughtClass }> {
  const user = await instructorForPage(path);
  const klass = await taughtClass(user.id, classId);
  if (!klass) notFound();
  return { user, klass };
}
