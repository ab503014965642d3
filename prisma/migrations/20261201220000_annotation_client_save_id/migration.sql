-- AlterTable
ALTER TABLE "Annotation" ADD COLUMN     "clientSaveId" TEXT;
