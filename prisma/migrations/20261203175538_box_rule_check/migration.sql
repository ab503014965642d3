-- AlterTable
ALTER TABLE "TrainingRun" ADD COLUMN     "pseudoBoxCheck" JSONB,
ADD COLUMN     "pseudoBoxWaiting" INTEGER NOT NULL DEFAULT 0;
