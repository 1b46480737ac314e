-- CreateTable
CREATE TABLE "BenchmarkRun" (
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
    "userId" TEXT
);

-- CreateIndex
CREATE INDEX "BenchmarkRun_modelId_lane_createdAt_idx" ON "BenchmarkRun"("modelId", "lane", "createdAt");

-- CreateIndex
CREATE INDEX "BenchmarkRun_createdAt_idx" ON "BenchmarkRun"("createdAt");
