import type { Db } from '@loupe/db';
import type { TestDatabase } from '@loupe/db/testing';
import { encodeMaskBytes } from '@loupe/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpecDatabase } from '../testing/create-spec-database';
import { applyTrainingPolicy } from './apply-training-policy';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createSpecDatabase({ poolSize: 4 });
  db = database.db;
});
afterAll(async () => {
  await database?.close();
});

const mask = { width: 4, height: 4, data: new Uint8Array(16).fill(1) };

async function projectWith(
  images: number,
  accepted: number,
  policy: { finetuneMinNewMasks?: number; pretrainMinNewImages?: number; autoTrain?: boolean } = {},
) {
  const user = await db.user.create({
    data: { email: `u-${Math.random()}@x.test`, name: 'u', passwordHash: 'x' },
  });
  const project = await db.project.create({
    data: { slug: `p-${Math.random().toString(36).slice(2)}`, name: 'p', ...policy },
  });
  for (let i = 0; i < images; i++) {
    const image = await db.image.create({
      data: {
        projectId: project.id,
        fileName: `${i}.png`,
        mimeType: 'image/png',
        width: 4,
        height: 4,
        channels: 1,
        bitDepth: 8,
        storageKey: 'k',
        pixelsKey: 'k',
        thumbnailKey: 'k',
        sizeBytes: 1,
        sha256: `${project.id}-${i}`,
      },
    });
    const task = await db.task.create({
      data: {
        projectId: project.id,
        imageId: image.id,
        status: i < accepted ? 'SUBMITTED' : 'UNLABELED',
      },
    });
    if (i < accepted) {
      await db.annotation.create({
        data: {
          projectId: project.id,
          taskId: task.id,
          imageId: image.id,
          objectId: 'o',
          createdById: user.id,
          width: 4,
          height: 4,
          finalRle: encodeMaskBytes(mask) as Uint8Array<ArrayBuffer>,
          area: 16,
          bboxX0: 0,
          bboxY0: 0,
          bboxX1: 4,
          bboxY1: 4,
        },
      });
    }
  }
  return project.id;
}

describe('applyTrainingPolicy', () => {
  it('queues one fine-tuning round at the threshold and not again while it is pending', async () => {
    const below = await projectWith(19, 19);
    const at = await projectWith(20, 20);
    const queued = await applyTrainingPolicy(db);
    expect(queued.filter((q) => q.projectId === below)).toEqual([]);
    expect(queued.filter((q) => q.projectId === at).map((q) => q.type)).toEqual(['finetune']);
    expect((await applyTrainingPolicy(db)).filter((q) => q.projectId === at)).toEqual([]);
    const job = await db.job.findFirstOrThrow({ where: { projectId: at } });
    expect(job.payload).toEqual({ trigger: 'auto' });
  });

  it('counts masks from the start of the last round', async () => {
    const projectId = await projectWith(25, 25);
    await db.trainingRun.create({ data: { projectId, kind: 'FINETUNE', status: 'SUCCEEDED' } });
    expect((await applyTrainingPolicy(db, { projectId })).length).toBe(0);
  });

  it('queues MAE pretraining when the unlabeled pool grew by M images (once there are labels), nothing when auto-training is off', async () => {
    const unlabeledOnly = await projectWith(12, 0, { pretrainMinNewImages: 10 });
    const grown = await projectWith(16, 4, { pretrainMinNewImages: 10, finetuneMinNewMasks: 4 });
    const off = await projectWith(30, 30, { autoTrain: false, pretrainMinNewImages: 10 });
    const queued = await applyTrainingPolicy(db);
    expect(queued.filter((q) => q.projectId === unlabeledOnly)).toEqual([]);
    expect(queued.filter((q) => q.projectId === grown).map((q) => q.type)).toEqual([
      'finetune',
      'pretrain',
    ]);
    expect(queued.filter((q) => q.projectId === off)).toEqual([]);
  });

  it('queues a round once even when two trainers check at the same moment', async () => {
    const projectId = await projectWith(20, 20);
    await Promise.all([
      applyTrainingPolicy(db, { projectId }),
      applyTrainingPolicy(db, { projectId }),
      applyTrainingPolicy(db, { projectId }),
    ]);
    expect(await db.job.count({ where: { projectId, type: 'finetune' } })).toBe(1);
  });
});

describe('applyTrainingPolicy scoring', () => {
  it('queues scoring once for a served model without scores', async () => {
    const projectId = await projectWith(3, 0);
    const model = await db.modelVersion.create({
      data: { projectId, version: 1, status: 'ACTIVE', configName: 'tiny', config: {} },
    });
    await db.project.update({ where: { id: projectId }, data: { activeModelVersionId: model.id } });
    expect((await applyTrainingPolicy(db, { projectId })).map((q) => q.type)).toEqual(['score']);
    expect(await applyTrainingPolicy(db, { projectId })).toEqual([]);
  });
});
