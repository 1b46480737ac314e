-- AlterTable
ALTER TABLE "BenchmarkRun" ADD COLUMN "visitorId" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ExperimentResult" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" TEXT,
    "lessonSlug" TEXT NOT NULL,
    "experiment" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "lane" TEXT NOT NULL,
    "device" TEXT,
    "software" BOOLEAN NOT NULL DEFAULT false,
    "threads" INTEGER,
    "batchSize" INTEGER,
    "p50Ms" REAL,
    "throughput" REAL,
    "environment" TEXT NOT NULL,
    "results" TEXT NOT NULL,
    "benchmarkRunId" TEXT,
    "verified" BOOLEAN NOT NULL DEFAULT false,
    "visitorId" TEXT,
    CONSTRAINT "ExperimentResult_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ExperimentResult" ("batchSize", "benchmarkRunId", "createdAt", "device", "environment", "experiment", "id", "lane", "lessonSlug", "modelId", "p50Ms", "results", "software", "threads", "throughput", "userId", "visitorId") SELECT "batchSize", "benchmarkRunId", "createdAt", "device", "environment", "experiment", "id", "lane", "lessonSlug", "modelId", "p50Ms", "results", "software", "threads", "throughput", "userId", "visitorId" FROM "ExperimentResult";
DROP TABLE "ExperimentResult";
ALTER TABLE "new_ExperimentResult" RENAME TO "ExperimentResult";
CREATE INDEX "ExperimentResult_userId_createdAt_idx" ON "ExperimentResult"("userId", "createdAt");
CREATE INDEX "ExperimentResult_visitorId_idx" ON "ExperimentResult"("visitorId");
CREATE INDEX "ExperimentResult_lessonSlug_createdAt_idx" ON "ExperimentResult"("lessonSlug", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
