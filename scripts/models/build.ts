/**
 * `npm run models:build` (also run by scripts/lib.mjs and the model tests as
 * `tsx scripts/models/build.ts`). The builder (build-main.ts) imports
 * lib/models/*.server.ts, which start with `import "server-only"` and so load
 * only under the react-server condition: this entry runs it under that
 * condition, however it was started. Arguments (`--force`) pass through.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../..");
const result = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(__dirname, "build-main.ts"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
if (result.error) throw result.error;
process.exit(result.status ?? 1);
