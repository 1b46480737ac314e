import { getModelMemory } from "@/lib/inference/roofline-api.server";

// onnxruntime-node is a native addon: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return getModelMemory(request);
}
