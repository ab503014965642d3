import { readFileSync } from 'node:fs';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from './load-schema-engine';
import type { SchemaEngineAdapterFactory } from './schema-engine-adapter';
import { loadSchemaEngineModule } from './load-schema-engine';

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** Runs `fn` with a schema engine bound to the given driver-adapter factory, then frees it. */
export async function withSchemaEngine<T>(
  adapterFactory: SchemaEngineAdapterFactory,
  schemaPath: string,
  fn: (engine: SchemaEngine, schema: { path: string; content: string }) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngineModule();
  const content = readFileSync(schemaPath, 'utf8');
  const logs: string[] = [];
  const engine = await SchemaEngine.new(
    { datamodels: [['schema.prisma', content]] },
    (line: string) => logs.push(line),
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
  try {
    return await fn(engine, { path: 'schema.prisma', content });
  } finally {
    engine.free();
    await adapterFactory.disposeAll();
  }
}
