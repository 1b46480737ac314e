// npm run create-instructor -- --email E --password P [--name N]
// Creates an instructor account in the database DATABASE_URL points at (migrated first by the npm script).
import { parseArgs } from "node:util";
import { createInstructor } from "@/lib/auth/instructors.server";
import { db } from "@/lib/db/client.server";
import { HttpError } from "@/lib/http/errors";

const { values } = parseArgs({
  options: { email: { type: "string" }, password: { type: "string" }, name: { type: "string" } },
  strict: true,
});

async function main(): Promise<number> {
  if (!values.email || !values.password) {
    console.error("Usage: npm run create-instructor -- --email E --password P [--name N]");
    return 2;
  }
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) {
    console.error(`✖ not an email address: ${values.email}`);
    return 2;
  }
  if (values.password.length < 8) {
    console.error("✖ the password needs at least 8 characters");
    return 2;
  }
  try {
    const created = await createInstructor({ email: values.email, password: values.password, name: values.name });
    console.log(`✔ instructor ${created.email} created (id ${created.id})`);
    return 0;
  } catch (error) {
    console.error(`✖ ${error instanceof HttpError || error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

void main().then((code) => {
  process.exitCode = code;
});
