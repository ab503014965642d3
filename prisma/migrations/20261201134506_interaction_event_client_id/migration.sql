-- AlterTable
ALTER TABLE "InteractionEvent" ADD COLUMN     "clientEventId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "InteractionEvent_userId_clientEventId_key" ON "InteractionEvent"("userId", "clientEventId");
