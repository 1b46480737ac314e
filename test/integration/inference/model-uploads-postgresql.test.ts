import { vi } from "vitest";
import { postgresDatabase } from "../../helpers/databases";
import { modelUploadsSuite } from "./model-uploads-suite";

vi.hoisted(() => {
  process.env.ORT_DISABLE_TELEMETRY = "1";
});

// The database's part (ownership, unique hash and name between simultaneous uploads, deletion) on PostgreSQL;
// file validation and crash isolation do not depend on the database and run once, on SQLite.
modelUploadsSuite("postgresql", postgresDatabase, { everything: false });
