import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..", "..");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export function migrate(databaseUrl: string) {
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "db.mjs"), "migrate"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`migrate failed:\n${result.stdout}\n${result.stderr}`);
}

export interface RunningServer {
  baseUrl: string;
  process: ChildProcess;
  log: () => string;
}

/** Stops a server started here: SIGTERM, then SIGKILL if it is still up half a second later. */
export async function stopServer(server: RunningServer): Promise<void> {
  server.process.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (server.process.exitCode === null) server.process.kill("SIGKILL");
}

/**
 * The production server exactly as `npm start` runs it (scripts/start.mjs):
 * plain Node on the bundled entry, Next.js behind the inference fast path.
 */
export function serverCommand(port: number, hostname = "127.0.0.1"): [string, string[]] {
  const entry = path.join(root, "dist", "server.cjs");
  if (!existsSync(entry)) throw new Error(`No server bundle at ${entry}: run \`npm run build\` (or npm start / npm test) first.`);
  return [process.execPath, [entry, "--port", String(port), "--hostname", hostname]];
}

/** The production server (see serverCommand) on the production build, on its own port and database. */
export async function startServer(databaseUrl: string, port: number, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const [command, args] = serverCommand(port);
  const child = spawn(command, args, {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      ORT_DISABLE_TELEMETRY: "1",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return untilHealthy(child, `http://127.0.0.1:${port}`, 60_000, "the server", () => child.kill("SIGKILL"));
}

/** Collects a started server's output and waits for /api/health; `giveUp` stops it when it never answers. */
async function untilHealthy(child: ChildProcess, baseUrl: string, timeoutMs: number, what: string, giveUp: () => void): Promise<RunningServer> {
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited early:\n${log}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return { baseUrl, process: child, log: () => log };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  giveUp();
  throw new Error(`${what} did not become healthy in ${timeoutMs / 1000} s:\n${log}`);
}

export async function signUp(baseUrl: string, email: string, password = "durable password"): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email, password, name: email.split("@")[0] }),
  });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .join("; ");
}

/** The settings the README lists; a README-default start must inherit none of them from the test's environment. */
const PROJECT_SETTINGS = [
  "PORT",
  "HOST",
  "DATABASE_URL",
  "BETTER_AUTH_SECRET",
  "BETTER_AUTH_URL",
  "AUTH_CLIENT_IP_HEADER",
  "REMOTE_INFERENCE_URL",
  "V2_LANE",
  "BENCHMARK_QUEUE_SIZE",
  "BENCHMARK_TIME_CAP_MS",
  "MODELS_DIR",
  "MODEL_UPLOAD_MAX_BYTES",
  "MODEL_CHECK_TIMEOUT_MS",
  "MODEL_CHECK_MEMORY_MB",
  "NODE_ENV",
  // Set by Vitest; libraries read them as "relax for tests" (better-auth skipped its Origin check).
  "TEST",
  "VITEST",
  "VITEST_MODE",
  "VITEST_POOL_ID",
  "VITEST_WORKER_ID",
];

export const README_PORT = 3000;

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "0.0.0.0", () => probe.close(() => resolve(true)));
  });
}

/**
 * `npm start` exactly as the README says, with none of its settings set: port
 * 3000 on every address, the project's own SQLite file, no BETTER_AUTH_URL. A
 * helper that set one of them once hid a sign-up that failed for everyone.
 */
export async function startAsReadmeSays(timeoutMs = 180_000): Promise<RunningServer> {
  if (!(await portIsFree(README_PORT))) throw new Error(`port ${README_PORT} is taken: stop whatever listens there, then run the test again`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of PROJECT_SETTINGS) delete env[name];
  // Its own process group, so stopping it stops the server too, whichever process npm put in between.
  const child = spawn("npm", ["start"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  return untilHealthy(child, `http://127.0.0.1:${README_PORT}`, timeoutMs, "npm start", () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  });
}

/** Stops a server started by startAsReadmeSays: the whole process group, SIGKILL if it lingers. */
export async function stopProcessGroup(server: RunningServer): Promise<void> {
  const pid = server.process.pid!;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && server.process.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
  signal("SIGKILL");
}
