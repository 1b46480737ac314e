import "server-only";
import { MAX_SEED } from "@/lib/quiz/shuffle";
import { hashString, seededRandom } from "@/lib/random";
import { randomBytes, randomUUID } from "node:crypto";
import type { Prisma } from "@/generated/prisma/sqlite";
import { newJoinCode } from "@/lib/auth/classes.server";
import { hashPassword } from "@/lib/auth/password.server";
import { db, dbReady } from "@/lib/db/client.server";
import { lessonSlugs } from "@/lib/content/lessons.server";
import { gradeQuiz } from "@/lib/quiz/grade";
import { loadLessonQuiz } from "@/lib/quiz/loader.server";
import type { AnswerValue, Question } from "@/lib/quiz/schema";

/** Every demo account lives under this domain, so a re-run can find and replace exactly them. */
export const DEMO_DOMAIN = "demo.inference-lab.test";

export interface DemoSeedOptions {
  learners?: number;
  /** PRNG seed: the same seed gives the same class (ids and times aside). */
  seed?: number;
  instructorEmail?: string;
  instructorPassword?: string;
  learnerPassword?: string;
  className?: string;
  now?: Date;
}

export interface DemoSeedResult {
  classId: string;
  joinCode: string;
  instructor: { id: string; email: string; password: string };
  learnerPassword: string;
  counts: { learners: number; attempts: number; progress: number; results: number };
}

const firstNames = ["Ava", "Noah", "Zoë", "José", "Mia", "Liam", "Amara", "Yuki", "Chen Wei", "Olivia", "Mateo", "Priya", "Lukas", "Fatima", "Ines", "Kofi", "Sofia", "Arjun", "Emma", "Björn", "Aisha", "Hugo", "Léa", "Ravi", "Nora", "Tomás", "Hana", "Omar", "Elif", "Sven"];
const lastNames = ["García", "Müller", "Nguyen", "Smith", "Okafor", "Kowalski", "Tanaka", "Rossi", "O'Brien", "Dubois", "Singh", "Haddad", "Johansson", "Kim", "Silva", "Novak", "Petrov", "Cohen", "Mensah", "Jones"];

/** What learners' machines report, roughly as a real class spreads: laptops, a few gaming GPUs, headless Chromium. */
const gpuDevices = [
  { device: "apple m2 (metal-3)", speed: 1.0, weight: 5 },
  { device: "intel iris xe graphics", speed: 2.2, weight: 5 },
  { device: "intel uhd graphics 620", speed: 3.5, weight: 3 },
  { device: "nvidia geforce rtx 3060", speed: 0.45, weight: 2 },
  { device: "amd radeon 780m", speed: 1.4, weight: 2 },
];
const cpuDevices = [
  { device: "Apple M2 (8 threads)", speed: 1.0, weight: 5 },
  { device: "Intel Core i5-1135G7 (8 threads)", speed: 1.5, weight: 5 },
  { device: "Intel Core i3-10110U (4 threads)", speed: 2.6, weight: 3 },
  { device: "AMD Ryzen 7 7840U (16 threads)", speed: 0.8, weight: 3 },
];
/** Base p50 in ms for one item on the reference device, per lane kind. */
const models = [
  { id: "mlp-wide", cpuMs: 2.1, gpuMs: 0.9 },
  { id: "mlp-narrow", cpuMs: 0.05, gpuMs: 0.35 },
  { id: "digits-mlp", cpuMs: 0.08, gpuMs: 0.4 },
];

function pick<T extends { weight: number }>(items: readonly T[], random: () => number): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = random() * total;
  for (const item of items) if ((r -= item.weight) < 0) return item;
  return items[items.length - 1]!;
}

/** An answer a learner of this skill might give: right with probability p, otherwise a plausible miss. */
function answerFor(question: Question, p: number, random: () => number): AnswerValue | undefined {
  if (random() < 0.04) return undefined; // skipped
  const right = random() < p;
  if (question.type === "single") {
    const wrong = question.choices.filter((c) => !c.correct);
    return right || wrong.length === 0 ? question.choices.find((c) => c.correct)!.id : wrong[Math.floor(random() * wrong.length)]!.id;
  }
  if (question.type === "multiple") {
    const picked = question.choices.filter((c) => (c.correct ? right || random() < 0.6 : !right && random() < 0.35)).map((c) => c.id);
    return picked.length > 0 ? picked : [question.choices[0]!.id];
  }
  const expected = question.answer ?? 1;
  if (right) {
    const slack = question.toleranceType === "relative" ? Math.abs(expected) * question.tolerance : question.tolerance;
    return Math.round((expected + (random() - 0.5) * slack) * 1000) / 1000;
  }
  // Typical slips: a factor of two, MiB for MB, a power of ten.
  const slips = [2, 0.5, 1.048576, 10, 0.1, 4];
  return Math.round(expected * slips[Math.floor(random() * slips.length)]! * 1000) / 1000;
}

async function chunked<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * Replaces the demo class: deletes every account under DEMO_DOMAIN (their
 * attempts, progress, memberships and class go with them) and their stored
 * results, then creates an instructor, a class of learners and their history.
 * Attempts are graded by lib/quiz, so scores always match the answers.
 */
export async function seedDemo(options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
  await dbReady();
  const random = seededRandom(options.seed ?? 20261125);
  const learnerCount = options.learners ?? 200;
  const now = options.now ?? new Date();
  const instructorEmail = (options.instructorEmail ?? `instructor@${DEMO_DOMAIN}`).toLowerCase();
  const instructorPassword = options.instructorPassword ?? randomBytes(12).toString("base64url");
  const learnerPassword = options.learnerPassword ?? randomBytes(12).toString("base64url");

  // Filters, not id lists: a list of thousands of ids would exceed Prisma's query-parameter limit.
  const demoUsers = { OR: [{ email: { endsWith: `@${DEMO_DOMAIN}` } }, { email: instructorEmail }] };
  await db.experimentResult.deleteMany({ where: { user: demoUsers } });
  await db.user.deleteMany({ where: demoUsers });

  const [instructorHash, learnerHash] = await Promise.all([hashPassword(instructorPassword), hashPassword(learnerPassword)]);
  const day = 24 * 3600 * 1000;
  const courseStart = new Date(now.getTime() - 28 * day);
  const instructorId = randomUUID();
  const users: { id: string; name: string; email: string; role: string; emailVerified: boolean; createdAt: Date }[] = [
    { id: instructorId, name: "Demo Instructor", email: instructorEmail, role: "instructor", emailVerified: true, createdAt: courseStart },
  ];
  for (let i = 0; i < learnerCount; i++) {
    const first = firstNames[Math.floor(random() * firstNames.length)]!;
    const last = lastNames[Math.floor(random() * lastNames.length)]!;
    users.push({
      id: randomUUID(),
      name: `${first} ${last}`,
      email: `learner-${String(i + 1).padStart(3, "0")}@${DEMO_DOMAIN}`,
      role: "learner",
      emailVerified: true,
      createdAt: new Date(courseStart.getTime() + random() * 3 * day),
    });
  }
  await chunked(users, 200, (chunk) => db.user.createMany({ data: chunk }));
  await chunked(users, 200, (chunk) =>
    db.account.createMany({
      // better-auth's credential account: accountId is the user id, the hash is ours (argon2id).
      data: chunk.map((u) => ({ id: randomUUID(), accountId: u.id, providerId: "credential", userId: u.id, password: u.role === "instructor" ? instructorHash : learnerHash })),
    }),
  );

  const classId = randomUUID();
  const joinCode = newJoinCode();
  await db.class.create({ data: { id: classId, name: options.className ?? "Demo class: CPU or GPU?", joinCode, instructorId, createdAt: courseStart } });
  const learners = users.slice(1);
  await chunked(learners, 500, (chunk) => db.classMember.createMany({ data: chunk.map((u) => ({ classId, userId: u.id, joinedAt: u.createdAt })) }));

  const slugs = lessonSlugs();
  const attempts: Prisma.QuizAttemptCreateManyInput[] = [];
  const progress: { userId: string; lessonSlug: string; readAt: Date | null; experimentsRun: number; updatedAt: Date }[] = [];
  const results: Prisma.ExperimentResultCreateManyInput[] = [];

  for (const learner of learners) {
    const skill = 0.35 + random() * 0.6;
    const engagement = 0.7 + random() * 0.3;
    const gpu = pick(gpuDevices, random);
    const cpu = pick(cpuDevices, random);
    const softwareGpu = random() < 0.1; // a school machine without a GPU driver falls back to SwiftShader
    let clock = learner.createdAt.getTime() + random() * day;
    for (const [lessonIndex, slug] of slugs.entries()) {
      // Later lessons lose some of the class, as real courses do.
      if (random() > engagement * (1 - lessonIndex * 0.08)) continue;
      clock += random() * 4 * day;
      const readAt = new Date(Math.min(clock, now.getTime() - 3600_000));
      const runs = Math.floor(random() * 4);
      let last = readAt.getTime();
      for (let run = 0; run < runs; run++) {
        last += (5 + random() * 30) * 60_000;
        const model = models[(lessonIndex + run) % models.length]!;
        const lane = random() < 0.6 ? "browser-webgpu" : random() < 0.85 ? "browser-wasm" : "server-cpu";
        const onGpu = lane === "browser-webgpu";
        const software = onGpu && softwareGpu;
        const device = lane === "server-cpu" ? "AMD EPYC 9R14 (2 threads)" : onGpu ? (software ? "google swiftshader" : gpu.device) : cpu.device;
        const speed = lane === "server-cpu" ? 0.9 : onGpu ? (software ? 25 : gpu.speed) : cpu.speed;
        const batchSize = [1, 1, 8, 32][Math.floor(random() * 4)]!;
        const base = onGpu ? model.gpuMs * (0.6 + 0.4 * batchSize ** 0.3) : model.cpuMs * batchSize ** 0.85;
        const p50Ms = Math.round(base * speed * Math.exp((random() - 0.5) * 0.3) * 10_000) / 10_000;
        results.push({
          id: randomUUID(),
          createdAt: new Date(last),
          userId: learner.id,
          lessonSlug: slug,
          experiment: batchSize === 1 ? "latency" : "batch-sweep",
          modelId: model.id,
          lane,
          device,
          software,
          threads: lane === "browser-webgpu" ? null : lane === "server-cpu" ? 2 : 4,
          batchSize,
          p50Ms,
          throughput: Math.round(((batchSize * 1000) / p50Ms) * 10) / 10,
          environment: JSON.stringify({ seeded: true, userAgent: "demo", crossOriginIsolated: lane === "browser-wasm" }),
          results: JSON.stringify({ seeded: true, p50Ms }),
        });
      }
      progress.push({ userId: learner.id, lessonSlug: slug, readAt, experimentsRun: runs + (runs > 0 && random() < 0.3 ? 1 : 0), updatedAt: new Date(last) });

      const loaded = loadLessonQuiz(slug);
      if (!loaded) continue;
      const max = Math.min(3, loaded.quiz.maxAttempts ?? 3);
      const tries = random() < 0.12 ? 0 : 1 + Math.floor(random() * max);
      let at = last;
      for (let attemptNumber = 1; attemptNumber <= tries; attemptNumber++) {
        at += (10 + random() * 600) * 60_000;
        const answers: Record<string, AnswerValue> = {};
        for (const question of loaded.quiz.questions) {
          // Each question has its own difficulty; learners improve a little per attempt.
          const difficulty = (hashString(question.id) % 1000) / 1000;
          const p = Math.min(0.98, skill * (1.15 - 0.6 * difficulty) + 0.08 * (attemptNumber - 1));
          if (question.type === "numeric" && question.fromResult) continue; // needs a resolver from the results' owner
          const answer = answerFor(question, p, random);
          if (answer !== undefined) answers[question.id] = answer;
        }
        const graded = gradeQuiz(loaded.quiz, answers);
        attempts.push({
          id: randomUUID(),
          userId: learner.id,
          lessonSlug: slug,
          quizId: loaded.quiz.id,
          attemptNumber,
          seed: Math.floor(random() * MAX_SEED),
          answers: JSON.stringify(answers),
          results: JSON.stringify(graded.results),
          score: graded.score,
          maxScore: graded.maxScore,
          startedAt: new Date(at - (3 + random() * 10) * 60_000),
          submittedAt: new Date(Math.min(at, now.getTime() - 60_000)),
        });
      }
      clock = Math.max(clock, at);
    }
  }
  await chunked(progress, 500, (chunk) => db.lessonProgress.createMany({ data: chunk }));
  await chunked(attempts, 200, (chunk) => db.quizAttempt.createMany({ data: chunk }));
  await chunked(results, 200, (chunk) => db.experimentResult.createMany({ data: chunk }));
  return {
    classId,
    joinCode,
    instructor: { id: instructorId, email: instructorEmail, password: instructorPassword },
    learnerPassword,
    counts: { learners: learners.length, attempts: attempts.length, progress: progress.length, results: results.length },
  };
}
