// Everything `next dev` / `next build` need that is generated rather than committed.
import { ensureBrowserAssets, ensureGenerated, ensureInstalled, ensureModels } from "./lib.mjs";

ensureInstalled();
ensureGenerated();
ensureModels();
ensureBrowserAssets();
