// `npm test`: everything, from a fresh clone. Installs what the tests use
// (npm packages; Debian's chromium and Vulkan loader when root), then runs
// lint, type check, unit tests, a production build and the end-to-end tests.
import { bin, ensureBrowserAssets, ensureBuilt, ensureGenerated, ensureInstalled, ensureModels, log, run } from "./lib.mjs";
import { ensureSystemPackages } from "./system-deps.mjs";

const started = Date.now();
ensureInstalled();
ensureSystemPackages();
ensureGenerated();
ensureModels();
ensureBrowserAssets();

log("lint");
run(bin("eslint"), ["--max-warnings", "0", "."], { timed: "lint" });
log("type check");
run(bin("tsc"), ["--noEmit"], { timed: "type check" });
log("unit and integration tests");
run(bin("vitest"), ["run", "--project", "unit"], { timed: "unit tests" });
ensureBuilt();
log("end-to-end tests (headless Debian Chromium)");
run(bin("vitest"), ["run", "--project", "e2e"], { timed: "end-to-end tests" });
log(`all tests passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
