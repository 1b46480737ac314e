import { getDevices } from "@/lib/inference/devices.server";

// Probes lanes and forks CUDA probe processes (cached): Node runtime, never statically cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return getDevices(request);
}
