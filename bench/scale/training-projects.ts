/**
 * Projects for the scale bench's training phase: the trainer's tiny network as starter (a real
 * fine-tuning round in seconds, not minutes) and one accepted mask per synthetic image, saved the
 * way the web saves them (lease, save, submit), so a 'finetune' job has real work to do.
 */
import { join } from 'node:path';
import { ensureStarterModel, leaseTask, saveAnnotation, type BlobStore, type Db } from '@loupe/db';
import { generateSyntheticFaDataset } from '@loupe/model/node';
import { encodeMaskBytes, maskArea, maskBoundingBox, type Box } from '@loupe/prompts';
import { createTinyStarterModel } from '@loupe/trainer/testing';
import { ingestImage, upsertUser } from '@loupe/web/testing';
import sharp from 'sharp';

const IMAGE_LIMITS = {
  maxBytes: 16 * 1024 * 1024,
  maxSide: 4096,
  maxPixels: 16_000_000,
  maxSlices: 1,
};

/** A tiny starter in `root` and `count` projects of `masks` accepted masks on 64 px images. */
export async function seedTrainingProjects(options: {
  db: Db;
  blobs: BlobStore;
  artifacts: BlobStore;
  root: string;
  count: number;
  masks: number;
  epochs: number;
}): Promise<string[]> {
  const { db } = options;
  const starterDir = await createTinyStarterModel(join(options.root, 'tiny-starter'));
  const user = await upsertUser(db, {
    email: 'bench-trainer-annotator@loupe.local',
    name: 'Bench trainer annotator',
    password: 'bench-password-123',
  });
  const projects: string[] = [];
  for (let p = 0; p < options.count; p++) {
    const slug = `bench-train-${p}-${Date.now().toString(36)}`;
    const project = await db.project.create({
      data: {
        slug,
        name: `Bench ${slug}`,
        description: 'Scale bench training project',
        objectLabel: 'lesion',
        tagVocabulary: [],
        autoTrain: false,
        finetuneEpochs: options.epochs,
      },
      select: { id: true },
    });
    await db.membership.create({
      data: { userId: user.id, projectId: project.id, role: 'ANNOTATOR' },
    });
    await ensureStarterModel(db, options.artifacts, project.id, starterDir);
    const samples = generateSyntheticFaDataset({
      count: options.masks,
      size: 64,
      seed: 301 + p,
      lesions: [1, 2],
    });
    for (const [i, sample] of samples.entries()) {
      const png = await sharp(Buffer.from(sample.image), {
        raw: { width: sample.width, height: sample.height, channels: 1 },
      })
        .png()
        .toBuffer();
      const ingested = await ingestImage(
        { db, blobs: options.blobs },
        { projectId: project.id, fileName: `train-${p}-${i}.png`, bytes: new Uint8Array(png) },
        IMAGE_LIMITS,
      );
      const image = ingested.images[0];
      if (!image) throw new Error('ingest made no image');
      const mask = sample.lesions[0] ?? sample.mask;
      const box = maskBoundingBox(mask) as Box;
      await leaseTask(db, { taskId: image.taskId, userId: user.id, leaseSeconds: 60 });
      await saveAnnotation(db, {
        taskId: image.taskId,
        userId: user.id,
        objectId: 'object-1',
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
        where: { id: image.taskId },
        data: { status: 'SUBMITTED', leaseHolderId: null, leaseExpiresAt: null },
      });
    }
    projects.push(project.id);
  }
  return projects;
}
