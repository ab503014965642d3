-- AlterTable
ALTER TABLE "TrainingRun" ADD COLUMN     "pseudoBoxSupervised" INTEGER NOT NULL DEFAULT 0;
