import { z } from "zod";

/** Request bodies of the account and class API. Browser-safe, so a form can check with the server's rules. */

/** POST /api/setup: the first instructor of a fresh instance. */
export const setupSchema = z
  .object({ email: z.email().max(200), password: z.string().min(8).max(128), name: z.string().max(100).optional() })
  .strict();

/** POST /api/classes: an instructor opens a class. */
export const createClassSchema = z.object({ name: z.string().trim().min(2).max(100) }).strict();

/** POST /api/classes/join: a learner joins with the class's code. */
export const joinClassSchema = z.object({ code: z.string().trim().min(4).max(16) }).strict();
