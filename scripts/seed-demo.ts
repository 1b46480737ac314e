// npm run seed:demo: a realistic class to try the instructor views on (the database DATABASE_URL
// points at, migrated first by the npm script). Re-running replaces the demo class and its accounts.
//   DEMO_LEARNERS (default 200), DEMO_INSTRUCTOR_EMAIL, DEMO_INSTRUCTOR_PASSWORD (default: a random one,
//   printed), DEMO_LEARNER_PASSWORD (default: random, printed), DEMO_SEED (PRNG seed).
import { db } from "@/lib/db/client.server";
import { seedDemo } from "@/lib/instructor/demo-seed.server";

async function main(): Promise<number> {
  const learners = Number(process.env.DEMO_LEARNERS ?? 200);
  if (!Number.isInteger(learners) || learners < 1 || learners > 5000) {
    console.error("✖ DEMO_LEARNERS must be a whole number from 1 to 5000");
    return 2;
  }
  const password = process.env.DEMO_INSTRUCTOR_PASSWORD;
  if (password !== undefined && password.length < 8) {
    console.error("✖ DEMO_INSTRUCTOR_PASSWORD needs at least 8 characters");
    return 2;
  }
  const started = performance.now();
  try {
    const result = await seedDemo({
      learners,
      instructorEmail: process.env.DEMO_INSTRUCTOR_EMAIL,
      instructorPassword: password,
      learnerPassword: process.env.DEMO_LEARNER_PASSWORD,
      seed: process.env.DEMO_SEED ? Number(process.env.DEMO_SEED) : undefined,
    });
    const { counts } = result;
    console.log(`✔ demo class created in ${((performance.now() - started) / 1000).toFixed(1)} s (join code ${result.joinCode})`);
    console.log(`  ${counts.learners} learners, ${counts.progress} lesson visits, ${counts.attempts} quiz attempts, ${counts.results} experiment results`);
    console.log(`  instructor: ${result.instructor.email}  password: ${result.instructor.password}`);
    console.log(`  learners:   learner-001@… to learner-${String(counts.learners).padStart(3, "0")}@…  password: ${result.learnerPassword}`);
    console.log(`  sign in, then open /instructor/classes/${result.classId}`);
    return 0;
  } catch (error) {
    console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

void main().then((code) => {
  process.exitCode = code;
});
