import { currentUser } from "@/lib/auth/session.server";
import { ensureVisitor } from "@/lib/auth/visitor.server";
import { listBenchmarks, postBenchmark } from "@/lib/inference/api.server";

// onnxruntime-node is a native addon: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The job remembers who asked (account or anonymous browser): only they may store results that cite it. */
export async function POST(request: Request) {
  const user = await currentUser(request.headers);
  if (user) return postBenchmark(request, { userId: user.id });
  const visitor = ensureVisitor(request.headers);
  return postBenchmark(request, { visitorId: visitor.visitorId }, visitor.setCookie ? { "set-cookie": visitor.setCookie } : {});
}

export function GET(request: Request) {
  return listBenchmarks(request);
}
