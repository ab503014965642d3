/** PACS credentials at rest, on a real database: encrypted with the server key, legacy rows read. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSealed } from '../../secrets/secret-box';
import { createWebTestContext, type WebTestContext } from '../../testing/web-test-context';
import { loadPacsConnection, publicPacsConnection, savePacsConnection } from './pacs-connection';

describe('PACS connection secret', () => {
  let ctx: WebTestContext;
  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 0 });
  }, 120_000);
  afterAll(async () => ctx?.close());

  const input = {
    baseUrl: 'http://pacs.example:8042/dicom-web/',
    authType: 'basic' as const,
    username: 'loupe',
    timeoutMs: 5000,
  };
  const storedSecret = async () =>
    (
      await ctx.db.pacsConnection.findUniqueOrThrow({
        where: { projectId: ctx.projectId },
        select: { secret: true },
      })
    ).secret;

  it('is stored encrypted and read back in plain text by the server only', async () => {
    await savePacsConnection(ctx.db, ctx.projectId, { ...input, secret: 'hunter2-pacs' });
    const stored = await storedSecret();
    expect(isSealed(stored!)).toBe(true);
    expect(stored).not.toContain('hunter2');
    expect((await loadPacsConnection(ctx.db, ctx.projectId)).secret).toBe('hunter2-pacs');
    expect(await publicPacsConnection(ctx.db, ctx.projectId)).toMatchObject({ hasSecret: true });
  });

  it('keeps the stored secret when none is given, and clears it on an empty one', async () => {
    await savePacsConnection(ctx.db, ctx.projectId, { ...input, timeoutMs: 6000 });
    expect((await loadPacsConnection(ctx.db, ctx.projectId)).secret).toBe('hunter2-pacs');
    await savePacsConnection(ctx.db, ctx.projectId, { ...input, secret: '' });
    expect(await storedSecret()).toBeNull();
    expect(await publicPacsConnection(ctx.db, ctx.projectId)).toMatchObject({ hasSecret: false });
  });

  it('reads a row saved before encryption, and seals it when the connection is next saved', async () => {
    await ctx.db.pacsConnection.update({
      where: { projectId: ctx.projectId },
      data: { secret: 'legacy-plain' },
    });
    expect((await loadPacsConnection(ctx.db, ctx.projectId)).secret).toBe('legacy-plain');
    await savePacsConnection(ctx.db, ctx.projectId, input);
    const stored = await storedSecret();
    expect(isSealed(stored!)).toBe(true);
    expect((await loadPacsConnection(ctx.db, ctx.projectId)).secret).toBe('legacy-plain');
  });
});
