-- AlterEnum
ALTER TYPE "WeakLabelKind" ADD VALUE 'SELF_TRAINING';

-- AlterTable
ALTER TABLE "WeakLabel" ALTER COLUMN "createdById" DROP NOT NULL;
