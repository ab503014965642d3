-- CreateEnum
CREATE TYPE "VolumeKind" AS ENUM ('VOLUME', 'SEQUENCE');

-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "frameNumber" INTEGER,
ADD COLUMN     "frameOfReferenceUid" TEXT,
ADD COLUMN     "seriesInstanceUid" TEXT,
ADD COLUMN     "slicePosition" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[],
ADD COLUMN     "sopClassUid" TEXT,
ADD COLUMN     "sopInstanceUid" TEXT,
ADD COLUMN     "sourceName" TEXT,
ADD COLUMN     "studyInstanceUid" TEXT,
ADD COLUMN     "valueIntercept" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "valueSlope" DOUBLE PRECISION NOT NULL DEFAULT 1,
ADD COLUMN     "valueUnit" TEXT,
ADD COLUMN     "windowCenter" DOUBLE PRECISION,
ADD COLUMN     "windowWidth" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Volume" ADD COLUMN     "affine" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[],
ADD COLUMN     "affineSource" TEXT,
ADD COLUMN     "frameOfReferenceUid" TEXT,
ADD COLUMN     "kind" "VolumeKind" NOT NULL DEFAULT 'VOLUME',
ADD COLUMN     "modality" TEXT,
ADD COLUMN     "niftiHeader" JSONB,
ADD COLUMN     "seriesInstanceUid" TEXT,
ADD COLUMN     "sliceOrder" TEXT,
ADD COLUMN     "sourceFormat" TEXT,
ADD COLUMN     "studyInstanceUid" TEXT,
ADD COLUMN     "timeIndex" INTEGER;

-- CreateTable
CREATE TABLE "PacsConnection" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "authType" TEXT NOT NULL DEFAULT 'none',
    "username" TEXT,
    "secret" TEXT,
    "timeoutMs" INTEGER NOT NULL DEFAULT 15000,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PacsConnection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PacsConnection_projectId_key" ON "PacsConnection"("projectId");

-- CreateIndex
CREATE INDEX "Image_projectId_sopInstanceUid_idx" ON "Image"("projectId", "sopInstanceUid");

-- CreateIndex
CREATE INDEX "Volume_projectId_seriesInstanceUid_idx" ON "Volume"("projectId", "seriesInstanceUid");

-- AddForeignKey
ALTER TABLE "PacsConnection" ADD CONSTRAINT "PacsConnection_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
