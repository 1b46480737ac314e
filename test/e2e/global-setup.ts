import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, migrate, root, startServer, stopServer } from "../helpers/server";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/**
 * Starts the production build (made by `npm test` before this runs) on a free
 * port, with its own freshly migrated SQLite file, and shares its URL with the tests.
 */
export default async function setup(project: TestProject) {
  if (!existsSync(path.join(root, ".next", "BUILD_ID")) || !existsSync(path.join(root, "dist", "server.cjs"))) {
    throw new Error("No production build: run `npm test` (or `npm run build`) before the end-to-end tests.");
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-e2e-"));
  const databaseUrl = `file:${path.join(dataDir, "e2e.db")}`;
  migrate(databaseUrl);
  // Uploaded models go to the test's own folder, never the project's data/models.
  const server = await startServer(databaseUrl, await freePort(), { MODELS_DIR: path.join(dataDir, "models") });
  project.provide("baseUrl", server.baseUrl);

  return async () => {
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
