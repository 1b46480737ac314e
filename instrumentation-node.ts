// A bad environment stops the server here, with every wrong variable named:
// left running, it would answer 500s.
import { serverEnv } from "@/lib/env.server";

try {
  serverEnv();
} catch (error) {
  console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
