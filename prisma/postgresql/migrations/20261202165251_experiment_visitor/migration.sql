-- AlterTable
ALTER TABLE "ExperimentResult" ADD COLUMN     "visitorId" TEXT;

-- CreateIndex
CREATE INDEX "ExperimentResult_visitorId_idx" ON "ExperimentResult"("visitorId");
