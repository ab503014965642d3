import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** prisma/ at the repository root (this file is libs/db/src/migrations/). */
export function defaultPrismaDir(): string {
  return fileURLToPath(new URL('../../../../prisma/', import.meta.url));
}

export function schemaPathIn(prismaDir: string): string {
  return join(prismaDir, 'schema.prisma');
}

export function migrationsDirIn(prismaDir: string): string {
  return join(prismaDir, 'migrations');
}
