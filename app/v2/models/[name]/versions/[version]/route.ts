import { v2ModelMetadata } from "@/lib/inference/oip-api.server";

// onnxruntime-node is a native addon: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ name: string; version: string }> }) {
  const { name, version } = await params;
  return v2ModelMetadata(name, version);
}
