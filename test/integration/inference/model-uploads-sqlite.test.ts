import { vi } from "vitest";
import { sqliteDatabase } from "../../helpers/databases";
import { modelUploadsSuite } from "./model-uploads-suite";

vi.hoisted(() => {
  process.env.ORT_DISABLE_TELEMETRY = "1";
});

modelUploadsSuite("sqlite", async () => sqliteDatabase(), { everything: true });
