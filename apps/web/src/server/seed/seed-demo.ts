/**
 * Idempotent demo data: three users (admin, reviewer, annotator) with the demo password, the
 * "Retinal leakage (demo)" project with synthetic fluorescein-angiography images ingested through
 * the same ingest service as uploads, and the starter model as its first model.
 */
import { ensureStarterModel, isDbError, type Db } from '@loupe/db';
import sharp from 'sharp';
import type { Stores } from '../blobs';
import { isAppError } from '../errors/app-error';
import { ingestImage } from '../services/images/ingest-image';
import type { ImageLimits } from '../services/images/decoded-image';
import { upsertUser } from '../services/users/create-user';
import { proceduralFundus } from './procedural-fundus';

export const DEMO_PROJECT_SLUG = 'retinal-leakage-demo';
export const DEMO_USERS = [
  { email: 'admin@loupe.local', name: 'Ada Admin', role: 'ADMIN', isSiteAdmin: true },
  { email: 'reviewer@loupe.local', name: 'Rui Reviewer', role: 'REVIEWER', isSiteAdmin: false },
  { email: 'annotator@loupe.local', name: 'Ana Annotator', role: 'ANNOTATOR', isSiteAdmin: false },
] as const;

export interface SeedOptions {
  password: string;
  imageCount: number;
  imageSize: number;
  starterModelDir: string;
  limits: ImageLimits;
  log?: (line: string) => void;
}

export interface SeedResult {
  projectId: string;
  users: { email: string; id: string }[];
  imagesAdded: number;
  imageCount: number;
  modelVersion: number | null;
  generator: 'synthetic-fa' | 'procedural' | 'existing';
}

type Generator = (options: {
  count: number;
  size?: number;
  seed?: number;
}) => { image: Uint8Array; width: number; height: number }[];

/**
 * The model lib's synthetic FA generator. Loaded lazily: '@loupe/model/node' pulls in tfjs, which
 * only the seed needs; if it cannot load, the seed falls back to procedural images.
 */
async function loadSyntheticGenerator(log: (line: string) => void): Promise<Generator | null> {
  try {
    const { generateSyntheticFaDataset } = await import('@loupe/model/node');
    return generateSyntheticFaDataset;
  } catch (error) {
    log(
      `[seed] @loupe/model/node unavailable (${(error as Error).message}); using procedural images`,
    );
    return null;
  }
}

export async function seedDemo(
  deps: { db: Db; stores: Stores },
  options: SeedOptions,
): Promise<SeedResult> {
  const { db, stores } = deps;
  const log = options.log ?? (() => undefined);
  const users = [];
  for (const u of DEMO_USERS) {
    const user = await upsertUser(db, {
      email: u.email,
      name: u.name,
      password: options.password,
      isSiteAdmin: u.isSiteAdmin,
    });
    users.push({ ...user, role: u.role });
  }
  const project =
    (await db.project.findUnique({ where: { slug: DEMO_PROJECT_SLUG }, select: { id: true } })) ??
    (await db.project.create({
      data: {
        slug: DEMO_PROJECT_SLUG,
        name: 'Retinal leakage (demo)',
        description: 'Synthetic fluorescein angiography frames. Outline each area of dye leakage.',
        objectLabel: 'leakage',
        tagVocabulary: ['no leakage', 'poor image quality', 'ungradable'],
      },
      select: { id: true },
    }));
  for (const u of users) {
    await db.membership.upsert({
      where: { userId_projectId: { userId: u.id, projectId: project.id } },
      create: { userId: u.id, projectId: project.id, role: u.role },
      update: { role: u.role },
    });
  }

  let modelVersion: number | null = null;
  try {
    modelVersion = (
      await ensureStarterModel(db, stores.artifacts, project.id, options.starterModelDir)
    ).version;
  } catch (error) {
    if (!isDbError(error) || error.code !== 'MISSING_FILE') throw error;
    log(`[seed] no starter model yet: ${error.message}`);
  }

  const existing = await db.image.count({ where: { projectId: project.id } });
  let generate: Generator | null = null;
  let imagesAdded = 0;
  if (existing < options.imageCount) {
    generate = await loadSyntheticGenerator(log);
    const samples = generate
      ? generate({ count: options.imageCount, size: options.imageSize, seed: 7 })
      : Array.from({ length: options.imageCount }, (_, i) => ({
          image: proceduralFundus(options.imageSize, i + 1),
          width: options.imageSize,
          height: options.imageSize,
        }));
    for (const [i, sample] of samples.entries()) {
      const png = await sharp(sample.image, {
        raw: { width: sample.width, height: sample.height, channels: 1 },
      })
        .toColourspace('b-w')
        .png()
        .toBuffer();
      try {
        // Earlier images first in the queue; active learning re-prioritises after the first model.
        await ingestImage(
          { db, blobs: stores.blobs },
          {
            projectId: project.id,
            fileName: `fa-${String(i + 1).padStart(3, '0')}.png`,
            bytes: new Uint8Array(png),
            priority: -(i + 1),
          },
          options.limits,
        );
        imagesAdded++;
      } catch (error) {
        // Re-running the seed finds the same deterministic images already there.
        if (!(isAppError(error) && error.code === 'CONFLICT')) throw error;
      }
    }
  }
  const imageCount = await db.image.count({ where: { projectId: project.id } });
  return {
    projectId: project.id,
    users: users.map(({ email, id }) => ({ email, id })),
    imagesAdded,
    imageCount,
    modelVersion,
    generator:
      existing >= options.imageCount ? 'existing' : generate ? 'synthetic-fa' : 'procedural',
  };
}
