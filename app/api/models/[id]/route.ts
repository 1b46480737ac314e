import { deleteUploadedModel } from "@/lib/inference/uploads/uploads.server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Only the instructor who added the model may delete it. */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return deleteUploadedModel(request, (await params).id);
}
