import { v2Ready } from "@/lib/inference/oip-api.server";

// onnxruntime-node is a native addon: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET() {
  return v2Ready();
}
