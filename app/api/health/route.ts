import { databaseHealth } from "@/lib/db/client.server";

export const dynamic = "force-dynamic";

/** Liveness plus the state of what the lab depends on; 503 when the database is unreachable. */
export async function GET() {
  const database = await databaseHealth();
  const body = {
    status: database.ok ? "ok" : "degraded",
    time: new Date().toISOString(),
    uptimeSeconds: Math.round(process.uptime()),
    database,
  };
  return Response.json(body, { status: database.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
