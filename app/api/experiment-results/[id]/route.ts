import { loadResultGroup } from "@/lib/experiments/store.server";
import { HttpError, jsonOk } from "@/lib/http/errors";
import { handleErrors } from "@/lib/http/request.server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handleErrors(async () => {
    const group = await loadResultGroup(id);
    if (!group) throw new HttpError(404, `unknown experiment result ${id}`);
    return jsonOk({ result: group.find((r) => r.id === id), group });
  });
}
