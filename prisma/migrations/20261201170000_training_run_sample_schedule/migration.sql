-- AlterTable
ALTER TABLE "TrainingRun" ADD COLUMN     "newMaskCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "replayMaskCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "sampleSchedule" JSONB;
