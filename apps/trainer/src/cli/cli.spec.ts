/**
 * The one-shot commands as a user runs them (a real child process against the test database).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureStarterModel, registerModelVersion, promoteModelVersion } from '@loupe/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrainerTestFixture, type TrainerTestFixture } from '../testing/trainer-test-fixture';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
let fixture: TrainerTestFixture;

beforeAll(async () => {
  fixture = await createTrainerTestFixture();
});
afterAll(async () => {
  await fixture?.close();
});

function cli(...args: string[]) {
  return run(
    process.execPath,
    ['--import', 'tsx', join('apps', 'trainer', 'src', 'cli.ts'), ...args],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env['PATH'] ?? '',
        DATABASE_URL: fixture.env.DATABASE_URL,
        ARTIFACT_DIR: fixture.env.ARTIFACT_DIR,
        BLOB_DIR: fixture.env.BLOB_DIR,
        STARTER_MODEL_DIR: fixture.env.STARTER_MODEL_DIR,
        TRAINER_CONFIG: 'tiny',
      },
    },
  );
}

describe('trainer CLI', () => {
  it('rolls back to an earlier version in one command and reports status', async () => {
    const project = await fixture.createProject({ slug: 'cli-project' });
    const starter = await ensureStarterModel(
      fixture.db,
      fixture.services.artifacts,
      project.id,
      fixture.env.STARTER_MODEL_DIR,
    );
    const second = await registerModelVersion(fixture.db, fixture.services.artifacts, {
      projectId: project.id,
      dir: fixture.env.STARTER_MODEL_DIR,
      status: 'CANDIDATE',
      configName: 'tiny',
    });
    await promoteModelVersion(fixture.db, second.id);

    const rolled = await cli('rollback', '--project', 'cli-project', '--version', '1');
    expect(rolled.stdout).toContain('v1 is now active');
    const projectRow = await fixture.db.project.findUniqueOrThrow({ where: { id: project.id } });
    expect(projectRow.activeModelVersionId).toBe(starter.id);
    expect(
      (await fixture.db.modelVersion.findUniqueOrThrow({ where: { id: second.id } })).status,
    ).toBe('RETIRED');

    const status = await cli('status', '--project', 'cli-project');
    expect(status.stdout).toMatch(/active model v1/);
    expect(status.stdout).toMatch(/v2 RETIRED/);
  }, 60_000);

  it('exits non-zero with a clear message for an unknown project or version', async () => {
    await expect(cli('status', '--project', 'no-such-project')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('NOT_FOUND: no project with slug or id "no-such-project"'),
    });
    await expect(
      cli('rollback', '--project', 'cli-project', '--version', '9'),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('has no model version 9') });
    await expect(cli('explode', '--project', 'cli-project')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage:'),
    });
  }, 60_000);
});
