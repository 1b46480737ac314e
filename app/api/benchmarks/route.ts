import { listBenchmarks, postBenchmark } from "@/lib/inference/api.server";

// onnxruntime-node is a native addon: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return postBenchmark(request);
}

export function GET(request: Request) {
  return listBenchmarks(request);
}
