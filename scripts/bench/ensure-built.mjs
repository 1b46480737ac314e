// Benchmarks measure the production build; (re)build it only when sources changed.
import { ensureBuilt } from "../lib.mjs";

ensureBuilt();
