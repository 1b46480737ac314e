import { serveModelFile } from "@/lib/models/serve.server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ file: string }> }) {
  return serveModelFile((await params).file, request);
}
