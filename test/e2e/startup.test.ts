import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..", "..");

describe("server start-up", () => {
  it("stops with every wrong environment variable named, instead of serving 500s", async () => {
    const server = spawn(path.join(root, "node_modules", ".bin", "next"), ["start", "--port", "0", "--hostname", "127.0.0.1"], {
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
});
