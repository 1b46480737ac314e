import { postCeilings } from "@/lib/inference/roofline-api.server";

// onnxruntime-node is a native addon: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return postCeilings(request);
}
