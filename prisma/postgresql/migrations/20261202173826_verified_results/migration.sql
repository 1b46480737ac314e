-- AlterTable
ALTER TABLE "BenchmarkRun" ADD COLUMN     "visitorId" TEXT;

-- AlterTable
ALTER TABLE "ExperimentResult" ADD COLUMN     "verified" BOOLEAN NOT NULL DEFAULT false;
