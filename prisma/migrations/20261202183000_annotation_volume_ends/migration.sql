-- AlterTable
ALTER TABLE "Annotation" ADD COLUMN     "volumeEnds" INTEGER[] DEFAULT ARRAY[]::INTEGER[];
