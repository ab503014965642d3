import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../testing/create-test-database';
import { createTestDatabaseOn, testDatabaseKinds } from '../testing/create-test-database';
import { createProjectWithTasks } from '../testing/fixtures';
import type { ModelPromotedEvent } from './notify-model-promoted';
import { subscribeModelPromotions } from './subscribe-model-promotions';

const kinds = await testDatabaseKinds();

async function eventually(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(kinds)('subscribeModelPromotions on %s', (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabaseOn(kind);
  });
  afterAll(async () => {
    await test?.close();
  });

  it('reports a change made without NOTIFY: by polling (embedded) or on reconnecting after its connection was cut (postgres)', async () => {
    const { projectId } = await createProjectWithTasks(test.db, { tasks: 0 });
    const model = await test.db.modelVersion.create({
      data: { projectId, version: 1, status: 'ACTIVE', configName: 'tiny', config: {} },
      select: { id: true },
    });
    const events: ModelPromotedEvent[] = [];
    const errors: Error[] = [];
    const unsubscribe = await subscribeModelPromotions(test.url, (event) => events.push(event), {
      intervalMs: 200,
      onError: (error) => errors.push(error),
    });
    try {
      // Cut every other connection (the subscription's among them), then change the active model.
      const admin = new pg.Client({ connectionString: test.url });
      await admin.connect();
      if (kind === 'postgres') {
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        );
      }
      await admin.query('UPDATE "Project" SET "activeModelVersionId" = $1 WHERE "id" = $2', [
        model.id,
        projectId,
      ]);
      await admin.end();
      await eventually(() => events.some((event) => event.modelVersionId === model.id));
      expect(events.filter((event) => event.projectId === projectId)).toEqual([
        { projectId, modelVersionId: model.id },
      ]);
    } finally {
      await unsubscribe();
    }
  });
});
