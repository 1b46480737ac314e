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
  let log = "";
  const [command, args] = serverCommand(port);
  const child = spawn(command, args, {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      ORT_DISABLE_TELEMETRY: "1",
      BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${log}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return { baseUrl, process: child, log: () => log };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`server did not become healthy:\n${log}`);
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
