import { join } from 'node:path';
import type { BlobStore } from '../blobs/create-blob-store';
import type { PrismaClient } from '../generated/prisma/client';
import type { ModelStatus } from '../generated/prisma/enums';
import type { ModelVersion, Prisma } from '../generated/prisma/client';
import { DbError } from '../errors/db-error';
import { readModelManifest } from './read-model-manifest';

export interface RegisterModelVersionInput {
  projectId: string;
  /** Folder with manifest.json, encoder.onnx, decoder.onnx (an export). */
  dir: string;
  /** Usually CANDIDATE (awaiting the promotion gate) or FAILED; promote with promoteModelVersion. */
  status: Exclude<ModelStatus, 'ACTIVE' | 'RETIRED'>;
  parentId?: string | null;
  /** Validation metrics { dice, iou, hd95, noc85, noc90, nof90, objects }. */
  metrics?: Record<string, unknown>;
  configName: string;
  /** Training checkpoint (safetensors) to keep with the version. */
  checkpointPath?: string;
  trainLabelCount?: number;
  statusReason?: string;
}

const numberOrNull = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * Copies an exported model into the blob store (checking each file against the sha256 its manifest
 * declares) and records it as the project's next ModelVersion (version = highest + 1).
 * Files are copied before the (short) transaction; the project row lock orders concurrent registrations.
 */
export async function registerModelVersion(db: PrismaClient, store: BlobStore, input: RegisterModelVersionInput): Promise<ModelVersion> {
  const created = await registerModel(db, store, input, false);
  if (!created) throw new DbError('CONFLICT', `Model version for project ${input.projectId} was not created.`);
  return created;
}

/** As registerModelVersion; with `onlyIfProjectHasNoModels`, returns null when the project already has one. */
export async function registerModel(
  db: PrismaClient,
  store: BlobStore,
  input: RegisterModelVersionInput,
  onlyIfProjectHasNoModels: boolean,
): Promise<ModelVersion | null> {
  const manifest = readModelManifest(input.dir);
  const storeChecked = async (name: 'encoder.onnx' | 'decoder.onnx') => {
    const stored = await store.putFile(join(input.dir, name), { ext: '.onnx' });
    const declared = manifest.declaredSha256[name];
    if (declared && declared !== stored.sha256) {
      throw new DbError('INTEGRITY', `${join(input.dir, name)} does not match its manifest (sha256 ${stored.sha256}, manifest says ${declared}); re-export the model.`);
    }
    return stored;
  };
  const encoder = await storeChecked('encoder.onnx');
  const decoder = await storeChecked('decoder.onnx');
  const manifestBlob = await store.putFile(join(input.dir, 'manifest.json'), { ext: '.json' });
  const checkpoint = input.checkpointPath
    ? await store.putFile(input.checkpointPath, { ext: input.checkpointPath.match(/\.[a-z0-9]+$/i)?.[0] ?? '' })
    : undefined;
  const metrics = input.metrics ?? {};

  return db.$transaction(async (tx) => {
    const project = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Project" WHERE "id" = ${input.projectId} FOR UPDATE`;
    if (project.length === 0) throw new DbError('NOT_FOUND', `Project ${input.projectId} does not exist.`);
    const latest = await tx.modelVersion.aggregate({ where: { projectId: input.projectId }, _max: { version: true } });
    const highest = latest._max.version ?? 0;
    if (onlyIfProjectHasNoModels && highest > 0) return null;
    return tx.modelVersion.create({
      data: {
        projectId: input.projectId,
        version: highest + 1,
        status: input.status,
        parentId: input.parentId ?? null,
        configName: input.configName,
        config: manifest.config as Prisma.InputJsonValue,
        metrics: metrics as Prisma.InputJsonValue,
        valDice: numberOrNull(metrics['dice']),
        valNoc90: numberOrNull(metrics['noc90']),
        trainLabelCount: input.trainLabelCount ?? 0,
        manifestKey: manifestBlob.key,
        manifestSha256: manifestBlob.sha256,
        encoderKey: encoder.key,
        encoderSha256: encoder.sha256,
        decoderKey: decoder.key,
        decoderSha256: decoder.sha256,
        checkpointKey: checkpoint?.key ?? null,
        sizeBytes: encoder.bytes + decoder.bytes,
        statusReason: input.statusReason ?? null,
      },
    });
  });
}
