-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ProjectRole" AS ENUM ('ADMIN', 'REVIEWER', 'ANNOTATOR');

-- CreateEnum
CREATE TYPE "DatasetSplit" AS ENUM ('TRAIN', 'VALIDATION');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('UNLABELED', 'IN_PROGRESS', 'SUBMITTED', 'APPROVED', 'SENT_BACK', 'SKIPPED', 'FLAGGED');

-- CreateEnum
CREATE TYPE "ReviewDecision" AS ENUM ('APPROVED', 'SENT_BACK');

-- CreateEnum
CREATE TYPE "InteractionType" AS ENUM ('IMAGE_OPENED', 'IMAGE_CLOSED', 'IDLE_START', 'IDLE_END', 'BOX', 'POSITIVE_POINT', 'NEGATIVE_POINT', 'BRUSH_STROKE', 'ERASER_STROKE', 'UNDO', 'REDO', 'PROPOSAL_SHOWN', 'MULTIMASK_SELECTED', 'ACCEPT', 'REJECT', 'SKIP', 'FLAG', 'TAG');

-- CreateEnum
CREATE TYPE "AnnotationSource" AS ENUM ('INTERACTIVE', 'IMPORTED');

-- CreateEnum
CREATE TYPE "WeakLabelKind" AS ENUM ('BOX', 'IMAGE_TAG');

-- CreateEnum
CREATE TYPE "ModelStatus" AS ENUM ('TRAINING', 'CANDIDATE', 'ACTIVE', 'RETIRED', 'FAILED');

-- CreateEnum
CREATE TYPE "TrainingKind" AS ENUM ('MAE_PRETRAIN', 'FINETUNE');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "isSiteAdmin" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "userId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "role" "ProjectRole" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("userId","projectId")
);

-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "objectLabel" TEXT NOT NULL DEFAULT 'lesion',
    "tagVocabulary" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finetuneMinNewMasks" INTEGER NOT NULL DEFAULT 20,
    "pretrainMinNewImages" INTEGER NOT NULL DEFAULT 200,
    "autoTrain" BOOLEAN NOT NULL DEFAULT true,
    "finetuneEpochs" INTEGER NOT NULL DEFAULT 4,
    "holdoutFraction" DOUBLE PRECISION NOT NULL DEFAULT 0.2,
    "promotionMaxNoc90Regression" DOUBLE PRECISION NOT NULL DEFAULT 0.5,
    "pseudoLabelMinConfidence" DOUBLE PRECISION NOT NULL DEFAULT 0.8,
    "leaseSeconds" INTEGER NOT NULL DEFAULT 900,
    "activeModelVersionId" TEXT,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Volume" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "depth" INTEGER NOT NULL,
    "spacing" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Volume_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Image" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "channels" INTEGER NOT NULL,
    "bitDepth" INTEGER NOT NULL,
    "storageKey" TEXT NOT NULL,
    "pixelsKey" TEXT NOT NULL,
    "thumbnailKey" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "volumeId" TEXT,
    "sliceIndex" INTEGER,
    "split" "DatasetSplit",
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "status" "TaskStatus" NOT NULL DEFAULT 'UNLABELED',
    "leaseHolderId" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "priority" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "flagReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Review" (
    "id" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "decision" "ReviewDecision" NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Review_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InteractionEvent" (
    "id" BIGSERIAL NOT NULL,
    "projectId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "objectId" TEXT,
    "type" "InteractionType" NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "modelVersionId" TEXT,
    "latencyMs" DOUBLE PRECISION,
    "clientTime" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InteractionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Annotation" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT 'lesion',
    "createdById" TEXT NOT NULL,
    "source" "AnnotationSource" NOT NULL DEFAULT 'INTERACTIVE',
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "finalRle" BYTEA NOT NULL,
    "proposalRle" BYTEA,
    "modelVersionId" TEXT,
    "area" INTEGER NOT NULL,
    "bboxX0" INTEGER NOT NULL,
    "bboxY0" INTEGER NOT NULL,
    "bboxX1" INTEGER NOT NULL,
    "bboxY1" INTEGER NOT NULL,
    "editPixels" INTEGER NOT NULL DEFAULT 0,
    "proposalDice" DOUBLE PRECISION,
    "proposalIou" DOUBLE PRECISION,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "brushStrokes" INTEGER NOT NULL DEFAULT 0,
    "activeSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "acceptedWithoutEdit" BOOLEAN NOT NULL DEFAULT false,
    "supersededAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Annotation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WeakLabel" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "taskId" TEXT,
    "kind" "WeakLabelKind" NOT NULL,
    "boxX0" DOUBLE PRECISION,
    "boxY0" DOUBLE PRECISION,
    "boxX1" DOUBLE PRECISION,
    "boxY1" DOUBLE PRECISION,
    "tag" TEXT,
    "createdById" TEXT NOT NULL,
    "pseudoMaskRle" BYTEA,
    "pseudoConfidence" DOUBLE PRECISION,
    "pseudoModelVersionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WeakLabel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "ModelStatus" NOT NULL,
    "parentId" TEXT,
    "configName" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "metrics" JSONB NOT NULL DEFAULT '{}',
    "valDice" DOUBLE PRECISION,
    "valNoc90" DOUBLE PRECISION,
    "trainLabelCount" INTEGER NOT NULL DEFAULT 0,
    "manifestKey" TEXT,
    "manifestSha256" TEXT,
    "encoderKey" TEXT,
    "encoderSha256" TEXT,
    "decoderKey" TEXT,
    "decoderSha256" TEXT,
    "checkpointKey" TEXT,
    "sizeBytes" INTEGER NOT NULL DEFAULT 0,
    "statusReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "promotedAt" TIMESTAMP(3),
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrainingRun" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "kind" "TrainingKind" NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "trigger" TEXT NOT NULL DEFAULT 'auto',
    "requestedById" TEXT,
    "baseModelVersionId" TEXT,
    "resultModelVersionId" TEXT,
    "trainLabelCount" INTEGER NOT NULL DEFAULT 0,
    "valLabelCount" INTEGER NOT NULL DEFAULT 0,
    "imageCount" INTEGER NOT NULL DEFAULT 0,
    "step" INTEGER NOT NULL DEFAULT 0,
    "totalSteps" INTEGER NOT NULL DEFAULT 0,
    "epoch" INTEGER NOT NULL DEFAULT 0,
    "totalEpochs" INTEGER NOT NULL DEFAULT 0,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "etaSeconds" DOUBLE PRECISION,
    "lossHistory" JSONB NOT NULL DEFAULT '[]',
    "metrics" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "checkpointKey" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),

    CONSTRAINT "TrainingRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "projectId" TEXT,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "runAfter" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 3,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActiveLearningScore" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "modelVersionId" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "iouConfidence" DOUBLE PRECISION NOT NULL,
    "multimaskDisagreement" DOUBLE PRECISION NOT NULL,
    "thresholdInstability" DOUBLE PRECISION NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActiveLearningScore_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Membership_projectId_role_idx" ON "Membership"("projectId", "role");

-- CreateIndex
CREATE UNIQUE INDEX "Project_slug_key" ON "Project"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Project_activeModelVersionId_key" ON "Project"("activeModelVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "Volume_projectId_sha256_key" ON "Volume"("projectId", "sha256");

-- CreateIndex
CREATE INDEX "Image_projectId_createdAt_idx" ON "Image"("projectId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Image_projectId_sha256_key" ON "Image"("projectId", "sha256");

-- CreateIndex
CREATE UNIQUE INDEX "Image_volumeId_sliceIndex_key" ON "Image"("volumeId", "sliceIndex");

-- CreateIndex
CREATE UNIQUE INDEX "Task_imageId_key" ON "Task"("imageId");

-- CreateIndex
CREATE INDEX "Task_projectId_status_priority_idx" ON "Task"("projectId", "status", "priority" DESC);

-- CreateIndex
CREATE INDEX "Task_leaseHolderId_idx" ON "Task"("leaseHolderId");

-- CreateIndex
CREATE INDEX "Review_taskId_createdAt_idx" ON "Review"("taskId", "createdAt");

-- CreateIndex
CREATE INDEX "Review_reviewerId_idx" ON "Review"("reviewerId");

-- CreateIndex
CREATE INDEX "InteractionEvent_projectId_createdAt_idx" ON "InteractionEvent"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "InteractionEvent_projectId_type_createdAt_idx" ON "InteractionEvent"("projectId", "type", "createdAt");

-- CreateIndex
CREATE INDEX "InteractionEvent_taskId_createdAt_idx" ON "InteractionEvent"("taskId", "createdAt");

-- CreateIndex
CREATE INDEX "InteractionEvent_userId_createdAt_idx" ON "InteractionEvent"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "InteractionEvent_modelVersionId_idx" ON "InteractionEvent"("modelVersionId");

-- CreateIndex
CREATE INDEX "Annotation_projectId_createdAt_idx" ON "Annotation"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "Annotation_modelVersionId_idx" ON "Annotation"("modelVersionId");

-- CreateIndex
CREATE INDEX "Annotation_createdById_createdAt_idx" ON "Annotation"("createdById", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Annotation_taskId_objectId_key" ON "Annotation"("taskId", "objectId");

-- CreateIndex
CREATE INDEX "WeakLabel_projectId_kind_idx" ON "WeakLabel"("projectId", "kind");

-- CreateIndex
CREATE INDEX "ModelVersion_projectId_status_idx" ON "ModelVersion"("projectId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ModelVersion_projectId_version_key" ON "ModelVersion"("projectId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "TrainingRun_resultModelVersionId_key" ON "TrainingRun"("resultModelVersionId");

-- CreateIndex
CREATE INDEX "TrainingRun_projectId_createdAt_idx" ON "TrainingRun"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "TrainingRun_status_idx" ON "TrainingRun"("status");

-- CreateIndex
CREATE INDEX "Job_status_runAfter_idx" ON "Job"("status", "runAfter");

-- CreateIndex
CREATE INDEX "Job_projectId_type_status_idx" ON "Job"("projectId", "type", "status");

-- CreateIndex
CREATE INDEX "ActiveLearningScore_projectId_modelVersionId_score_idx" ON "ActiveLearningScore"("projectId", "modelVersionId", "score" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "ActiveLearningScore_imageId_modelVersionId_key" ON "ActiveLearningScore"("imageId", "modelVersionId");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Project" ADD CONSTRAINT "Project_activeModelVersionId_fkey" FOREIGN KEY ("activeModelVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Volume" ADD CONSTRAINT "Volume_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_volumeId_fkey" FOREIGN KEY ("volumeId") REFERENCES "Volume"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_leaseHolderId_fkey" FOREIGN KEY ("leaseHolderId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InteractionEvent" ADD CONSTRAINT "InteractionEvent_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InteractionEvent" ADD CONSTRAINT "InteractionEvent_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InteractionEvent" ADD CONSTRAINT "InteractionEvent_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InteractionEvent" ADD CONSTRAINT "InteractionEvent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InteractionEvent" ADD CONSTRAINT "InteractionEvent_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Annotation" ADD CONSTRAINT "Annotation_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Annotation" ADD CONSTRAINT "Annotation_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Annotation" ADD CONSTRAINT "Annotation_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Annotation" ADD CONSTRAINT "Annotation_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Annotation" ADD CONSTRAINT "Annotation_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WeakLabel" ADD CONSTRAINT "WeakLabel_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WeakLabel" ADD CONSTRAINT "WeakLabel_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WeakLabel" ADD CONSTRAINT "WeakLabel_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WeakLabel" ADD CONSTRAINT "WeakLabel_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingRun" ADD CONSTRAINT "TrainingRun_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingRun" ADD CONSTRAINT "TrainingRun_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingRun" ADD CONSTRAINT "TrainingRun_baseModelVersionId_fkey" FOREIGN KEY ("baseModelVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingRun" ADD CONSTRAINT "TrainingRun_resultModelVersionId_fkey" FOREIGN KEY ("resultModelVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActiveLearningScore" ADD CONSTRAINT "ActiveLearningScore_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActiveLearningScore" ADD CONSTRAINT "ActiveLearningScore_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActiveLearningScore" ADD CONSTRAINT "ActiveLearningScore_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
