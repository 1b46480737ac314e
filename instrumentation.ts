// Next.js calls register() once when a server starts. The Node-only part lives in
// its own module, so the Edge build never sees process.exit.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    await import("./instrumentation-node");
  }
}
