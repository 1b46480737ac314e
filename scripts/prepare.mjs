// Everything `next dev` / `next build` need that is generated rather than committed.
import { ensureGenerated, ensureInstalled } from "./lib.mjs";

ensureInstalled();
ensureGenerated();
