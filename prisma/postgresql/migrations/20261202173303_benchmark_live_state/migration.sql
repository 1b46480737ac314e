-- AlterTable
ALTER TABLE "BenchmarkRun" ADD COLUMN     "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "heartbeatAt" TIMESTAMP(3),
ADD COLUMN     "instanceId" TEXT,
ADD COLUMN     "message" TEXT,
ADD COLUMN     "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "queuePosition" INTEGER;
