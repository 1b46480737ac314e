// The inference API on a bare HTTP server in its own process, so the bench's
// client and server do not share an event loop. Prints its URL on stdout.
import { startStandaloneServer } from "@/lib/inference/standalone.server";
import { benchModel } from "./models";

benchModel("mlp-narrow");
void startStandaloneServer(0).then(({ url }) => process.stdout.write(`${url}\n`));
