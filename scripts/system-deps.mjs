// Debian packages the tests use. Installed with apt-get when running as root;
// otherwise we stop and name the package. Browsers come from Debian only,
// never from a browser-download step.
import { spawnSync } from "node:child_process";
import { log } from "./lib.mjs";

/** package name → why the project needs it */
export const systemPackages = {
  chromium: "end-to-end tests drive Debian's Chromium; its SwiftShader Vulkan driver backs the server webgpu lane",
  libvulkan1: "the Vulkan loader onnxruntime-node's WebGPU provider (Dawn) loads",
  postgresql: "the database tests also run against a throwaway PostgreSQL server (initdb + pg_ctl on 127.0.0.1)",
};

function isInstalled(name) {
  const result = spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" });
  return result.status === 0 && result.stdout.includes("install ok installed");
}

export function ensureSystemPackages(names = Object.keys(systemPackages)) {
  const missing = names.filter((name) => !isInstalled(name));
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `✖ Missing Debian packages: ${missing.join(", ")}.\n` +
        missing.map((name) => `  - ${name}: ${systemPackages[name] ?? "needed by the tests"}`).join("\n") +
        `\n  Install them with: sudo apt-get install -y ${missing.join(" ")}`,
    );
    process.exit(1);
  }
  log(`installing Debian packages: ${missing.join(", ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...missing]]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (result.status !== 0) {
      console.error(`✖ apt-get ${args.join(" ")} failed; install ${missing.join(", ")} by hand and run again.`);
      process.exit(1);
    }
  }
}
