// Bundles the production server (server/main.ts → dist/server.cjs) with esbuild, so
// `npm start` runs it on plain Node: no tsx, no TypeScript at run time. npm packages
// stay external (the same copies Next's own server bundle requires: onnxruntime-node,
// next, zod); the project's `@/` imports are bundled; `server-only` becomes empty
// (it only guards client bundles, and its Node entry throws by design).
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const serverOnly = {
  name: "server-only",
  setup(b) {
    b.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "empty" }));
    b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "", loader: "js" }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ["server/main.ts"],
  outfile: "dist/server.cjs",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  plugins: [serverOnly],
  tsconfig: "tsconfig.json",
  sourcemap: "linked",
  metafile: true,
  logLevel: "warning",
  legalComments: "none",
});

// The fast path must never carry a second copy of the database client or of benchmark jobs.
const forbidden = Object.keys(result.metafile.inputs).filter((file) => /(^|\/)(lib\/db|generated\/prisma|lib\/inference\/(jobs|benchmarks)\.server)/.test(file));
if (forbidden.length > 0) {
  console.error(`✖ dist/server.cjs would bundle modules that must live only in Next's copy:\n  ${forbidden.join("\n  ")}`);
  process.exit(1);
}
