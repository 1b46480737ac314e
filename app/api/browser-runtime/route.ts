import { browserRuntimeSizes } from "@/lib/browser/runtime-size.server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Bytes each browser lane downloads before it can run, so lessons say so before Run. */
export function GET() {
  return Response.json(browserRuntimeSizes(), { headers: { "cache-control": "no-cache" } });
}
