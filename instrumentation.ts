// Next.js calls register() once when a server starts. A bad environment stops the
// server here, with every wrong variable named: left running, it would answer 500s.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { serverEnv } = await import("@/lib/env.server");
  try {
    serverEnv();
  } catch (error) {
    console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
