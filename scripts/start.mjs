// `npm start`: fresh clone → installed, generated, migrated, built, serving.
// Each step is skipped when its inputs have not changed, so a second start is fast.
import { ensureBrowserAssets, ensureBuilt, ensureGenerated, ensureInstalled, ensureModels, log, run, root, serverEntry, spawnInherit } from "./lib.mjs";
import path from "node:path";

const started = Date.now();
ensureInstalled();
ensureGenerated();
run(process.execPath, [path.join(root, "scripts", "db.mjs"), "migrate"]);
ensureModels();
ensureBrowserAssets();
ensureBuilt();

const port = process.env.PORT ?? "3000";
const host = process.env.HOST ?? "0.0.0.0";
log(`ready to serve after ${((Date.now() - started) / 1000).toFixed(1)} s → http://localhost:${port}`);
// The production server (server/main.ts): Next.js behind a node:http listener that answers
// POST /api/infer and the v2 API itself (docs/decisions/0009-production-server.md).
spawnInherit(process.execPath, [serverEntry, "--port", port, "--hostname", host], { NODE_ENV: "production" });
