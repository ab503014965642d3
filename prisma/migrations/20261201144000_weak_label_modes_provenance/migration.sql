-- CreateEnum
CREATE TYPE "PseudoMaskSource" AS ENUM ('BOX', 'TAG', 'SELF_TRAINING');

-- AlterEnum
ALTER TYPE "TaskStatus" ADD VALUE 'WEAK_LABELED';

-- AlterTable
ALTER TABLE "TrainingRun" ADD COLUMN     "humanMaskCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pseudoBoxCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pseudoSelfTrainingCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pseudoTagCount" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "WeakLabel" ADD COLUMN     "pseudoMadeAt" TIMESTAMP(3),
ADD COLUMN     "pseudoSource" "PseudoMaskSource",
ADD COLUMN     "supersededAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "WeakLabel_imageId_kind_idx" ON "WeakLabel"("imageId", "kind");

-- CreateIndex
CREATE INDEX "WeakLabel_pseudoModelVersionId_idx" ON "WeakLabel"("pseudoModelVersionId");

-- A pseudo-mask whose model no longer exists keeps its mask but loses the dangling reference.
UPDATE "WeakLabel" SET "pseudoModelVersionId" = NULL
WHERE "pseudoModelVersionId" IS NOT NULL
  AND "pseudoModelVersionId" NOT IN (SELECT "id" FROM "ModelVersion");

-- AddForeignKey
ALTER TABLE "WeakLabel" ADD CONSTRAINT "WeakLabel_pseudoModelVersionId_fkey" FOREIGN KEY ("pseudoModelVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Provenance for pseudo-masks made before this migration: they all came from boxes.
UPDATE "WeakLabel" SET "pseudoSource" = 'BOX' WHERE "kind" = 'BOX' AND "pseudoMaskRle" IS NOT NULL;
