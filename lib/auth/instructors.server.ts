import "server-only";
import { db, dbReady } from "@/lib/db/client.server";
import { HttpError } from "@/lib/http/errors";
import { auth } from "./auth.server";

export async function instructorExists(): Promise<boolean> {
  await dbReady();
  return (await db.user.count({ where: { role: "instructor" } })) > 0;
}

/** Signs up through better-auth (same hashing and checks as the page), then grants the role. */
export async function createInstructor(input: { email: string; password: string; name?: string }): Promise<{ id: string; email: string }> {
  await dbReady();
  const email = input.email.trim().toLowerCase();
  if (await db.user.findUnique({ where: { email } })) throw new HttpError(409, `an account for ${email} already exists`);
  let userId: string;
  try {
    const result = await auth().api.signUpEmail({ body: { email, password: input.password, name: input.name?.trim() || email.split("@")[0]! } });
    userId = result.user.id;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, `could not create the account: ${message}`);
  }
  await db.user.update({ where: { id: userId }, data: { role: "instructor" } });
  return { id: userId, email };
}

const SETUP_KEY = "setup:first-instructor";

/**
 * The one-time /setup page: only while no instructor exists. The AppMeta row is
 * claimed first (its primary key makes the claim atomic), so two browsers racing
 * through setup can't both create an instructor.
 */
export async function createFirstInstructor(input: { email: string; password: string; name?: string }) {
  if (await instructorExists()) throw new HttpError(403, "setup is closed: an instructor already exists");
  try {
    await db.appMeta.create({ data: { key: SETUP_KEY, value: "claimed" } });
  } catch {
    throw new HttpError(403, "setup is closed: it is being completed or was completed already");
  }
  try {
    const created = await createInstructor(input);
    await db.appMeta.update({ where: { key: SETUP_KEY }, data: { value: created.id } });
    return created;
  } catch (error) {
    await db.appMeta.delete({ where: { key: SETUP_KEY } }).catch(() => undefined);
    throw error;
  }
}
