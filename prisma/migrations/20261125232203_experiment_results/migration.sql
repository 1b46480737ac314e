-- CreateTable
CREATE TABLE "ExperimentResult" (
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
    CONSTRAINT "ExperimentResult_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ExperimentResult_userId_createdAt_idx" ON "ExperimentResult"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "ExperimentResult_lessonSlug_createdAt_idx" ON "ExperimentResult"("lessonSlug", "createdAt");
