import { v2Infer } from "@/lib/inference/oip-api.server";

// onnxruntime-node is a native addon: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ name: string; version: string }> }) {
  const { name, version } = await params;
  return v2Infer(name, request, version);
}
