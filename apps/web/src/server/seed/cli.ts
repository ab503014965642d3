/**
 * `tsx apps/web/src/server/seed/cli.ts`: the demo seed `npm start` runs after migrations.
 * Idempotent; prints the demo accounts and their password.
 */
import { createDb } from '@loupe/db';
import { env } from '../../env';
import { getStores } from '../blobs';
import { databaseUrl } from '../db';
import { uploadLimits } from '../services/images/upload-limits';
import { DEMO_USERS, seedDemo } from './seed-demo';

const started = Date.now();
const db = createDb(databaseUrl(), { poolSize: 2 });
try {
  const result = await seedDemo(
    { db, stores: getStores() },
    {
      password: env.LOUPE_DEMO_PASSWORD,
      imageCount: 24,
      imageSize: 384,
      starterModelDir: env.starterModelDir,
      limits: uploadLimits(),
      log: (line) => console.log(line),
    },
  );
  console.log(
    `[seed] demo project ready: ${result.imageCount} images (${result.imagesAdded} new, ${result.generator}), model ${
      result.modelVersion ? `v${result.modelVersion}` : 'none'
    } (${Date.now() - started} ms)`,
  );
  console.log(
    `[seed] sign in as ${DEMO_USERS.map((u) => u.email).join(', ')} with password "${env.LOUPE_DEMO_PASSWORD}"`,
  );
} finally {
  await db.$disconnect();
}
