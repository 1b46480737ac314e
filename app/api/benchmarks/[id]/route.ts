import { deleteBenchmark, getBenchmark } from "@/lib/inference/api.server";

// onnxruntime-node is a native addon: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export async function GET(_request: Request, { params }: Context) {
  return getBenchmark((await params).id);
}

export async function DELETE(_request: Request, { params }: Context) {
  return deleteBenchmark((await params).id);
}
