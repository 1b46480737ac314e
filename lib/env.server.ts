import "server-only";
import { z } from "zod";
import { SERVER_LANE_IDS } from "@/lib/lanes";

/**
 * The server's configuration, validated at start-up (instrumentation.ts) and on
 * every read, so a bad value stops the server with a message naming it instead of
 * quietly falling back to a default. Secrets come only from the environment.
 */
const unsetIfEmpty = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());
const positiveInt = (fallback: number, min: number) => z.preprocess(unsetIfEmpty, z.coerce.number().int().min(min).default(fallback));

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .default("file:./data/dev.db")
    .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
      message: "must start with file: (SQLite) or postgresql:// (PostgreSQL)",
    }),
  // Signs session cookies; without it a secret is generated into data/.auth-secret (one instance only).
  BETTER_AUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  BETTER_AUTH_URL: optional(z.url({ protocol: /^https?$/, error: "must be the site's http(s) URL" })),
  // The header a trusted reverse proxy sets to the client's address (rate limits key on it).
  AUTH_CLIENT_IP_HEADER: optional(z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name")),
  // An Open Inference Protocol (KServe v2) server for the remote lane.
  REMOTE_INFERENCE_URL: optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL of a KServe v2 server" })),
  // The lane /v2/models/{name}/infer runs on.
  V2_LANE: z.preprocess(unsetIfEmpty, z.enum(SERVER_LANE_IDS).default("cpu")),
  // Benchmark jobs waiting per hardware resource beyond the one running; more are refused with 429.
  BENCHMARK_QUEUE_SIZE: positiveInt(3, 0),
  // No benchmark job runs longer than this, whatever it asked for.
  BENCHMARK_TIME_CAP_MS: positiveInt(180_000, 100),
  // The largest file /lab/your-model reads into a learner's browser (default 1 GiB); the file never reaches the server.
  BROWSER_MODEL_MAX_BYTES: positiveInt(1024 ** 3, 1),
  // Where instructors' uploaded models are stored, by SHA-256 (relative paths are from the project root).
  MODELS_DIR: z.preprocess(unsetIfEmpty, z.string().default("data/models")),
  // Largest model file an instructor may upload, in bytes (default 512 MiB; at most 2 GiB − 1, the database's Int).
  MODEL_UPLOAD_MAX_BYTES: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1024).max(2 ** 31 - 1).default(512 * 1024 * 1024)),
  // The child process that first loads an uploaded model is killed past this time …
  MODEL_CHECK_TIMEOUT_MS: positiveInt(60_000, 1000),
  // … or this resident memory, in MiB.
  MODEL_CHECK_MEMORY_MB: positiveInt(4096, 256),
});

export type ServerEnv = z.infer<typeof envSchema>;

function parseEnv(source: NodeJS.ProcessEnv): ServerEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    throw new Error(`Invalid environment variables:\n${problems}`);
  }
  return result.data;
}

const settingNames = Object.keys(envSchema.shape) as Array<keyof ServerEnv>;
let cached: { raw: string; env: ServerEnv } | undefined;

/**
 * Read on hot paths (every v2 request asks for its lane), so parsed once and
 * re-parsed only when one of the settings changed: tests and operators may
 * change the environment of a running process.
 */
export function serverEnv(): ServerEnv {
  const raw = settingNames.map((name) => process.env[name] ?? "\u0000").join("\u0001");
  if (cached?.raw !== raw) cached = { raw, env: parseEnv(process.env) };
  return cached.env;
}

export { parseEnv as parseServerEnvForTests };
