/**
 * Seeds a bench project through the web app's own services: N annotator accounts (real password
 * hashes, so sign-in is real), their memberships, and one distinct small image (one task) per
 * annotator plus a few spare. Optionally registers and promotes a starter model.
 */
import { ensureStarterModel, type BlobStore, type Db } from '@loupe/db';
import sharp from 'sharp';
import { ingestImage, upsertUser } from '@loupe/web/testing';

export interface SeededProject {
  projectId: string;
  users: Array<{ email: string }>;
  imageSize: number;
  modelVersionId: string | null;
}

const IMAGE_LIMITS = {
  maxBytes: 64 * 1024 * 1024,
  maxSide: 4096,
  maxPixels: 16_000_000,
  maxSlices: 16,
};

/** A bench image that is not the small square default: e.g. 3900x3072 16-bit (wide-field). */
export interface BenchImageSpec {
  width: number;
  height: number;
  bitDepth: 8 | 16;
}

/**
 * A distinct width x height 16-bit (or 8-bit) PNG: dark noisy background, a bright disc in the
 * middle (where the benches draw their boxes), a few vessel-like lines.
 */
async function benchImageOf(index: number, spec: BenchImageSpec): Promise<Uint8Array> {
  const { width, height } = spec;
  const max = spec.bitDepth === 16 ? 65535 : 255;
  const pixels =
    spec.bitDepth === 16 ? new Uint16Array(width * height) : new Uint8Array(width * height);
  const radius = Math.min(width, height) / 5;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - width / 2, y - height / 2);
      const vessel = Math.abs(((x * 3 + y * 2 + index * 17) % 211) - 105) < 3;
      const value =
        d < radius ? 0.78 : vessel ? 0.45 : 0.12 + ((x * 7 + y * 13 + index * 31) % 40) / 255;
      pixels[y * width + x] = Math.round(value * max);
    }
  pixels[0] = index % 256;
  pixels[1] = Math.floor(index / 256) % 256;
  return new Uint8Array(
    await sharp(pixels, { raw: { width, height, channels: 1 }, limitInputPixels: false })
      .toColourspace(spec.bitDepth === 16 ? 'grey16' : 'b-w')
      .png({ compressionLevel: 6 })
      .toBuffer(),
  );
}

/** A distinct gray image per index (ingest deduplicates identical files). */
async function benchImage(index: number, size: number): Promise<Uint8Array> {
  const pixels = new Uint8Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - size / 2, y - size / 2);
      pixels[y * size + x] = d < size / 5 ? 200 : 30 + ((x * 7 + y * 13 + index * 31) % 40);
    }
  pixels[0] = index % 256;
  pixels[1] = Math.floor(index / 256) % 256;
  return new Uint8Array(
    await sharp(pixels, { raw: { width: size, height: size, channels: 1 } })
      .png()
      .toBuffer(),
  );
}

export async function seedAnnotators(options: {
  db: Db;
  blobs: BlobStore;
  artifacts?: BlobStore;
  annotators: number;
  password: string;
  imageSize?: number;
  /** Instead of imageSize x imageSize 8-bit: images of this size and depth. */
  image?: BenchImageSpec;
  extraImages?: number;
  starterModelDir?: string;
}): Promise<SeededProject> {
  const { db } = options;
  const imageSize = options.imageSize ?? 128;
  const slug = `bench-${Date.now().toString(36)}`;
  const project = await db.project.create({
    data: {
      slug,
      name: `Bench ${slug}`,
      description: 'Benchmark project',
      objectLabel: 'lesion',
      tagVocabulary: [],
    },
    select: { id: true },
  });
  const users: Array<{ email: string }> = [];
  for (let i = 0; i < options.annotators; i++) {
    const email = `bench-annotator-${i}@loupe.local`;
    const user = await upsertUser(db, {
      email,
      name: `Bench annotator ${i}`,
      password: options.password,
    });
    await db.membership.create({
      data: { userId: user.id, projectId: project.id, role: 'ANNOTATOR' },
    });
    users.push({ email });
  }
  for (let i = 0; i < options.annotators + (options.extraImages ?? 2); i++) {
    await ingestImage(
      { db, blobs: options.blobs },
      {
        projectId: project.id,
        fileName: `bench-${i}.png`,
        bytes: options.image
          ? await benchImageOf(i, options.image)
          : await benchImage(i, imageSize),
      },
      IMAGE_LIMITS,
    );
  }
  let modelVersionId: string | null = null;
  if (options.starterModelDir && options.artifacts) {
    modelVersionId = (
      await ensureStarterModel(db, options.artifacts, project.id, options.starterModelDir)
    ).id;
  }
  return { projectId: project.id, users, imageSize, modelVersionId };
}
