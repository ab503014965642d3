-- AlterTable
ALTER TABLE "Annotation" ADD COLUMN     "propagatedFrom" INTEGER,
ADD COLUMN     "sliceOrigin" TEXT;
