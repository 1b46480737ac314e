-- CreateTable
CREATE TABLE "UploadedModel" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "description" TEXT,
    "sizeBytes" INTEGER NOT NULL,
    "spec" TEXT NOT NULL,
    "addedById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UploadedModel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UploadedModel_name_key" ON "UploadedModel"("name");

-- CreateIndex
CREATE UNIQUE INDEX "UploadedModel_sha256_key" ON "UploadedModel"("sha256");

-- CreateIndex
CREATE INDEX "UploadedModel_addedById_idx" ON "UploadedModel"("addedById");

-- AddForeignKey
ALTER TABLE "UploadedModel" ADD CONSTRAINT "UploadedModel_addedById_fkey" FOREIGN KEY ("addedById") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
