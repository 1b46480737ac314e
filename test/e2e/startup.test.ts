import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, migrate, root, serverCommand, startServer } from "../helpers/server";

describe("server start-up", () => {
  it("stops with every wrong environment variable named, instead of serving 500s", async () => {
    // Started the way npm start starts it, so the check guards the entry users run.
    const [command, args] = serverCommand(0);
    const server = spawn(command, args, {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production", V2_LANE: "gpu", BENCHMARK_TIME_CAP_MS: "soon" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    server.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        server.kill("SIGKILL");
        resolve(null);
      }, 30_000);
      server.on("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code, output).toBe(1);
    expect(output).toMatch(/V2_LANE/);
    expect(output).toMatch(/BENCHMARK_TIME_CAP_MS/);
  });

  it("stops cleanly on SIGTERM, finishing what it was answering", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-stop-"));
    const databaseUrl = `file:${path.join(dataDir, "stop.db")}`;
    try {
      migrate(databaseUrl);
      const server = await startServer(databaseUrl, await freePort());
      expect((await fetch(`${server.baseUrl}/v2/health/live`)).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => server.process.on("exit", (code) => resolve(code)));
      server.process.kill("SIGTERM");
      const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve("still running after 10 s"), 10_000))]);
      if (code === "still running after 10 s") server.process.kill("SIGKILL");
      expect(code, server.log()).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
