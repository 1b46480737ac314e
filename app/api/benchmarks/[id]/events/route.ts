import { benchmarkEvents } from "@/lib/inference/api.server";

// onnxruntime-node is a native addon: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return benchmarkEvents((await params).id, request);
}
