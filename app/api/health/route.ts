import { databaseHealth } from "@/lib/db/client.server";
import { laneSummary } from "@/lib/inference/lanes.server";

export const dynamic = "force-dynamic";

/**
 * Liveness plus the state of what the lab depends on; 503 when the database is
 * unreachable. An unavailable GPU lane is not unhealthy: it is reported with its
 * reason, since most servers have no GPU.
 */
export async function GET() {
  const [database, lanes] = await Promise.all([databaseHealth(), laneSummary()]);
  const body = {
    status: database.ok ? "ok" : "degraded",
    time: new Date().toISOString(),
    uptimeSeconds: Math.round(process.uptime()),
    database,
    lanes,
  };
  return Response.json(body, { status: database.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
