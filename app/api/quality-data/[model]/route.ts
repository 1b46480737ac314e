import { getQualityData } from "@/lib/inference/quality.server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: { params: Promise<{ model: string }> }) {
  return getQualityData((await context.params).model);
}
