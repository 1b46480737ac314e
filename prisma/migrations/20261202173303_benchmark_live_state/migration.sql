-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_BenchmarkRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "state" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "lane" TEXT NOT NULL,
    "device" TEXT,
    "software" BOOLEAN,
    "threads" INTEGER,
    "scenario" TEXT NOT NULL,
    "request" TEXT NOT NULL,
    "modelDetails" TEXT NOT NULL,
    "results" TEXT,
    "error" TEXT,
    "userId" TEXT,
    "progress" REAL NOT NULL DEFAULT 0,
    "message" TEXT,
    "queuePosition" INTEGER,
    "instanceId" TEXT,
    "heartbeatAt" DATETIME,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_BenchmarkRun" ("createdAt", "device", "error", "finishedAt", "id", "lane", "modelDetails", "modelId", "request", "results", "scenario", "software", "startedAt", "state", "threads", "userId") SELECT "createdAt", "device", "error", "finishedAt", "id", "lane", "modelDetails", "modelId", "request", "results", "scenario", "software", "startedAt", "state", "threads", "userId" FROM "BenchmarkRun";
DROP TABLE "BenchmarkRun";
ALTER TABLE "new_BenchmarkRun" RENAME TO "BenchmarkRun";
CREATE INDEX "BenchmarkRun_modelId_lane_createdAt_idx" ON "BenchmarkRun"("modelId", "lane", "createdAt");
CREATE INDEX "BenchmarkRun_createdAt_idx" ON "BenchmarkRun"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
