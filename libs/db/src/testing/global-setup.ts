import {
  generatePrismaClient,
  isPrismaClientGenerated,
} from '../migrations/generate-prisma-client';

/** Vitest global setup: the specs import the generated client, so make sure it exists. */
export default async function setup(): Promise<void> {
  if (!isPrismaClientGenerated()) await generatePrismaClient({ quiet: true });
}
