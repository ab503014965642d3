/**
 * A real trainer environment for specs: a migrated test database (real Postgres when
 * TEST_DATABASE_URL is set, else embedded PGlite), temporary blob and artifact stores, a tiny
 * starter model, and helpers that create projects, images and accepted masks through the same
 * libs/db functions the web app uses (lease, saveAnnotation).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore, leaseTask, saveAnnotation, type Db } from '@loupe/db';
import type { TestDatabase } from '@loupe/db/testing';
import { generateSyntheticFaDataset, type SyntheticFaSample } from '@loupe/model/node';
import { encodeMaskBytes, maskArea, maskBoundingBox, type Box, type Mask } from '@loupe/prompts';
import sharp from 'sharp';
import { loadTrainerEnv, type TrainerEnv } from '../env';
import { createModelPort } from '../model/create-model-port';
import type { ModelPort } from '../model/model-port';
import type { TrainerServices } from '../trainer-services';
import { createSpecDatabase } from './create-spec-database';
import { createTinyStarterModel } from './create-tiny-starter-model';

export interface TrainerTestFixture {
  database: TestDatabase;
  db: Db;
  env: TrainerEnv;
  services: TrainerServices;
  /** Log lines the services wrote. */
  logs: string[];
  root: string;
  createProject(
    overrides?: Partial<{
      slug: string;
      finetuneMinNewMasks: number;
      pretrainMinNewImages: number;
      finetuneEpochs: number;
      autoTrain: boolean;
    }>,
  ): Promise<{ id: string; slug: string; userId: string }>;
  /** Stores an image (8-bit gray PNG) and its task. */
  addImage(
    projectId: string,
    pixels: Uint8Array,
    width: number,
    height: number,
  ): Promise<{ imageId: string; taskId: string }>;
  /** Accepts one object's mask on a task the way the web does (lease, save, submit). */
  acceptMask(taskId: string, userId: string, mask: Mask, objectId?: string): Promise<string>;
  /** Synthetic FA images with exact lesion masks (tiny). */
  syntheticImages(count: number, seed: number, size?: number): SyntheticFaSample[];
  close(): Promise<void>;
}

export async function createTrainerTestFixture(
  options: { env?: Record<string, string>; model?: ModelPort } = {},
): Promise<TrainerTestFixture> {
  const database = await createSpecDatabase({ poolSize: 4 });
  const root = await mkdtemp(join(tmpdir(), 'loupe-trainer-test-'));
  const starterDir = await createTinyStarterModel(join(root, 'starter'));
  await mkdir(join(root, 'blobs'), { recursive: true });
  const env = loadTrainerEnv({
    DATABASE_URL: database.url,
    DATA_DIR: root,
    ARTIFACT_DIR: join(root, 'artifacts'),
    BLOB_DIR: join(root, 'blobs'),
    STARTER_MODEL_DIR: starterDir,
    TRAINER_CONFIG: 'tiny',
    TRAINER_PROGRESS_INTERVAL_MS: '100',
    TRAINER_POLL_INTERVAL_MS: '100',
    TRAINER_LOCK_SECONDS: '10',
    TRAINER_WORKER_ID: 'spec-worker',
    ...options.env,
  });
  const logs: string[] = [];
  const log = (line: string) => void logs.push(line);
  const services: TrainerServices = {
    env,
    db: database.db,
    blobs: createBlobStore(env.BLOB_DIR),
    artifacts: createBlobStore(env.ARTIFACT_DIR),
    model: options.model ?? (await createModelPort({ log })),
    console: { isTTY: false, write: () => true },
    log,
  };
  const db = database.db;
  let counter = 0;

  return {
    database,
    db,
    env,
    services,
    logs,
    root,
    async createProject(overrides = {}) {
      counter++;
      const user = await db.user.create({
        data: {
          email: `annotator${counter}-${Date.now()}@example.test`,
          name: 'Annotator',
          passwordHash: 'x',
        },
      });
      const project = await db.project.create({
        data: {
          slug: overrides.slug ?? `project-${counter}-${Date.now()}`,
          name: 'Spec project',
          finetuneEpochs: 2,
          ...overrides,
        },
      });
      await db.membership.create({
        data: { userId: user.id, projectId: project.id, role: 'ADMIN' },
      });
      return { id: project.id, slug: project.slug, userId: user.id };
    },
    async addImage(projectId, pixels, width, height) {
      const png = await sharp(Buffer.from(pixels), { raw: { width, height, channels: 1 } })
        .png()
        .toBuffer();
      const stored = await services.blobs.put(png, { ext: '.png' });
      const image = await db.image.create({
        data: {
          projectId,
          fileName: `img-${counter}-${stored.sha256.slice(0, 8)}.png`,
          mimeType: 'image/png',
          width,
          height,
          channels: 1,
          bitDepth: 8,
          storageKey: stored.key,
          pixelsKey: stored.key,
          thumbnailKey: stored.key,
          sizeBytes: stored.bytes,
          sha256: `${stored.sha256}-${projectId}`,
        },
      });
      const task = await db.task.create({ data: { projectId, imageId: image.id } });
      return { imageId: image.id, taskId: task.id };
    },
    async acceptMask(taskId, userId, mask, objectId = 'object-1') {
      await leaseTask(db, { taskId, userId, leaseSeconds: 60 });
      const box = maskBoundingBox(mask) as Box;
      const saved = await saveAnnotation(db, {
        taskId,
        userId,
        objectId,
        width: mask.width,
        height: mask.height,
        finalRle: encodeMaskBytes(mask),
        area: maskArea(mask),
        bboxX0: box.x0,
        bboxY0: box.y0,
        bboxX1: box.x1,
        bboxY1: box.y1,
      });
      await db.task.update({
        where: { id: taskId },
        data: { status: 'SUBMITTED', leaseHolderId: null, leaseExpiresAt: null },
      });
      return saved.annotationId;
    },
    syntheticImages(count, seed, size = 48) {
      return generateSyntheticFaDataset({
        count,
        size,
        seed,
        lesions: [1, 2],
        radius: [4, size / 5],
      });
    },
    async close() {
      await database.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
