import "server-only";
import { randomInt, randomUUID } from "node:crypto";
import { db, dbReady } from "@/lib/db/client.server";
import { HttpError } from "@/lib/http/errors";
import { joinRetryAfterSeconds, recordJoinFailure } from "./throttle.server";

// No 0/O/1/I/L: codes are read aloud and typed from a projector.
const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

export function newJoinCode(): string {
  let code = "";
  for (let i = 0; i < 8; i++) code += alphabet[randomInt(alphabet.length)];
  return code;
}

export async function createClass(instructorId: string, name: string) {
  await dbReady();
  for (let tries = 0; tries < 5; tries++) {
    try {
      return await db.class.create({ data: { id: randomUUID(), name, joinCode: newJoinCode(), instructorId } });
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
    }
  }
  throw new Error("could not find a free join code");
}

/**
 * Joins the class with that code. Wrong codes are counted per account and per
 * client address (throttle.server.ts), so codes can't be guessed at speed.
 */
export async function joinClass(userId: string, code: string, address: string | null = null) {
  await dbReady();
  const retryAfter = await joinRetryAfterSeconds(userId, address);
  if (retryAfter !== null) throw new HttpError(429, `too many wrong join codes; try again in ${retryAfter} s`, { "retry-after": String(retryAfter) });
  const found = await db.class.findUnique({ where: { joinCode: code.trim().toUpperCase() } });
  if (!found) {
    await recordJoinFailure(userId, address);
    throw new HttpError(404, "no class with that join code");
  }
  await db.classMember.upsert({
    where: { classId_userId: { classId: found.id, userId } },
    create: { classId: found.id, userId },
    update: {},
  });
  return { id: found.id, name: found.name };
}

export async function classesFor(userId: string, role: "learner" | "instructor") {
  await dbReady();
  if (role === "instructor") {
    const rows = await db.class.findMany({ where: { instructorId: userId }, include: { _count: { select: { members: true } } }, orderBy: { createdAt: "desc" } });
    return rows.map((c) => ({ id: c.id, name: c.name, joinCode: c.joinCode, members: c._count.members, teaching: true }));
  }
  const rows = await db.classMember.findMany({ where: { userId }, include: { class: true }, orderBy: { joinedAt: "desc" } });
  return rows.map((m) => ({ id: m.class.id, name: m.class.name, teaching: false }));
}
