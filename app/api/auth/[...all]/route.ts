import { authGet, authPost } from "@/lib/auth/route.server";
import { claimVisitorResults } from "@/lib/experiments/store.server";

export function GET(request: Request) {
  return authGet(request);
}

export function POST(request: Request) {
  return authPost(request, claimVisitorResults);
}
