-- CreateIndex
CREATE INDEX "InteractionEvent_projectId_taskId_userId_clientTime_idx" ON "InteractionEvent"("projectId", "taskId", "userId", "clientTime");
