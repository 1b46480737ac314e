import "server-only";
import { requireInstructor, type SessionUser } from "@/lib/auth/session.server";
import { db, dbReady } from "@/lib/db/client.server";
import { HttpError } from "@/lib/http/errors";

export interface TaughtClass {
  id: string;
  name: string;
  joinCode: string;
  instructorId: string;
  createdAt: Date;
}

/**
 * The class, when the signed-in user teaches it: 401 anonymous, 403 learner,
 * 404 for a class that doesn't exist or that someone else teaches (the same
 * answer for both, so ids can't be probed).
 */
export async function requireClassInstructor(headers: Headers, classId: string): Promise<{ user: SessionUser; klass: TaughtClass }> {
  const user = await requireInstructor(headers);
  const klass = await taughtClass(user.id, classId);
  if (!klass) throw new HttpError(404, "no class with that id among the classes you teach");
  return { user, klass };
}

export async function taughtClass(instructorId: string, classId: string): Promise<TaughtClass | null> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(classId)) return null;
  await dbReady();
  return db.class.findFirst({ where: { id: classId, instructorId } });
}

/** The instructor's classes with their member counts, newest first. */
export async function classesTaught(instructorId: string) {
  await dbReady();
  const rows = await db.class.findMany({ where: { instructorId }, include: { _count: { select: { members: true } } }, orderBy: { createdAt: "desc" } });
  return rows.map((c) => ({ id: c.id, name: c.name, joinCode: c.joinCode, members: c._count.members, createdAt: c.createdAt.toISOString() }));
}
