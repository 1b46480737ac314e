import { getUploadedModels, uploadModel } from "@/lib/inference/uploads/uploads.server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Models instructors uploaded, newest first (public: the capabilities list them too). */
export function GET(request: Request) {
  return getUploadedModels(request);
}

/** An instructor uploads an .onnx file: the body is the file, `name` (and optional `description`, `axes`) in the query. */
export function POST(request: Request) {
  return uploadModel(request);
}
