/**
 * PACS over DICOMweb against a real Orthanc (its DICOMweb plugin), started on a free loopback port
 * with its own storage: QIDO-RS search, WADO-RS import of a real CT series into one volume, STOW-RS
 * of a DICOM SEG back; and a PACS that is down, slow, answers garbage or refuses the credentials,
 * each with a clear reason while the rest of a batch still lands.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mask } from '@loupe/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error';
import { pydicomTestFiles, SAMPLES_SKIP_REASON } from '../../testing/real-dicom-samples';
import { saveTestMask } from '../../testing/save-test-mask';
import {
  freeLoopbackPort,
  ORTHANC_SKIP_REASON,
  orthancUpload,
  startOrthanc,
  type RunningOrthanc,
} from '../../testing/start-orthanc';
import {
  createWebTestContext,
  TEST_LIMITS,
  type WebTestContext,
} from '../../testing/web-test-context';
import { qidoSearch } from './dicomweb-client';
import { importPacsSeries } from './import-pacs-series';
import { loadPacsConnection, publicPacsConnection, savePacsConnection } from './pacs-connection';
import { searchPacs } from './search-pacs';
import { sendSegToPacs } from './send-seg-to-pacs';

const samples = pydicomTestFiles();
let orthanc: RunningOrthanc | null = null;
if (!samples) console.log(`[skip] ${SAMPLES_SKIP_REASON}`);

const CT_SERIES = '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.6';

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error.message;
    throw error;
  }
  throw new Error('no error');
}

describe.skipIf(!samples)('PACS over DICOMweb (real Orthanc)', () => {
  let ctx: WebTestContext;
  let ctStudy: string;
  const servers: Server[] = [];
  /** A local HTTP server answering every request with `handler` (never answers when null). */
  async function fakePacs(handler: ((res: ServerResponse) => void) | null) {
    const port = await freeLoopbackPort();
    const server = createServer((_req, res) => handler?.(res));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    servers.push(server);
    return `http://127.0.0.1:${port}/dicom-web`;
  }

  beforeAll(async () => {
    orthanc = await startOrthanc();
    if (!orthanc) {
      console.log(`[skip] ${ORTHANC_SKIP_REASON}`);
      return;
    }
    ctx = await createWebTestContext({ images: 0 });
    const dir = join(samples!, 'dicomdirtests/98892001/CT5N');
    await orthancUpload(orthanc, [
      ...readdirSync(dir).map((n) => new Uint8Array(readFileSync(join(dir, n)))),
      new Uint8Array(readFileSync(join(samples!, 'MR_small.dcm'))),
    ]);
    await savePacsConnection(ctx.db, ctx.projectId, {
      baseUrl: orthanc.dicomweb,
      authType: 'basic',
      username: orthanc.username,
      secret: orthanc.password,
      timeoutMs: 10_000,
    });
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await orthanc?.stop();
    await ctx?.close();
  });

  it('keeps the secret on the server', async () => {
    if (!orthanc) return;
    const shown = await publicPacsConnection(ctx.db, ctx.projectId);
    expect(shown).toEqual({
      baseUrl: orthanc.dicomweb,
      authType: 'basic',
      username: 'loupe',
      hasSecret: true,
      timeoutMs: 10_000,
    });
    expect(JSON.stringify(shown)).not.toContain(orthanc.password);
  });

  it('searches studies and series (QIDO-RS)', async () => {
    if (!orthanc) return;
    const studies = await searchPacs(ctx.db, ctx.projectId, {
      level: 'studies',
      modality: 'CT',
      limit: 50,
    });
    expect(studies.length).toBeGreaterThanOrEqual(1);
    const ct = studies.find((s) => s.modality?.includes('CT'))!;
    ctStudy = ct.studyInstanceUid!;
    const series = await searchPacs(ctx.db, ctx.projectId, {
      level: 'series',
      studyInstanceUid: ctStudy,
      limit: 50,
    });
    const row = series.find((s) => s.seriesInstanceUid === CT_SERIES);
    expect(row).toMatchObject({ modality: 'CT', instances: 5 });
    const none = await searchPacs(ctx.db, ctx.projectId, {
      level: 'studies',
      patientName: 'NoSuchPatient',
      limit: 5,
    });
    expect(none).toEqual([]);
  });

  it('imports a series as one volume (WADO-RS); a missing series fails alone', async () => {
    if (!orthanc) return;
    const results = await importPacsSeries(
      { db: ctx.db, blobs: ctx.stores.blobs },
      ctx.projectId,
      [
        { studyInstanceUid: ctStudy, seriesInstanceUid: '1.2.3.4.5.6.7' },
        { studyInstanceUid: ctStudy, seriesInstanceUid: CT_SERIES },
      ],
      TEST_LIMITS,
    );
    expect(results[0]).toMatchObject({ ok: false, instances: 0 });
    expect(results[0]!.message).toMatch(/HTTP 404|no instances/);
    expect(results[1]).toMatchObject({ ok: true, instances: 5, message: 'volume of 5 slices' });
    const volume = await ctx.db.volume.findFirstOrThrow({
      where: { projectId: ctx.projectId, seriesInstanceUid: CT_SERIES },
      select: { depth: true, sliceOrder: true },
    });
    expect(volume).toEqual({ depth: 5, sliceOrder: 'position' });
  });

  it('sends masks back as DICOM SEG (STOW-RS); Orthanc then lists a SEG series', async () => {
    if (!orthanc) return;
    const volume = await ctx.db.volume.findFirstOrThrow({
      where: { projectId: ctx.projectId, seriesInstanceUid: CT_SERIES },
      select: {
        id: true,
        slices: { orderBy: { sliceIndex: 'asc' }, select: { id: true, width: true, height: true } },
      },
    });
    const { width, height } = volume.slices[0]!;
    const mask: Mask = {
      width,
      height,
      data: new Uint8Array(width * height).fill(1, width * 20, width * 40),
    };
    await saveTestMask(ctx.db, {
      projectId: ctx.projectId,
      imageId: volume.slices[2]!.id,
      userId: ctx.users.annotator.id,
      objectId: 'o1',
      mask,
    });
    const sent = await sendSegToPacs({ db: ctx.db, blobs: ctx.stores.blobs }, ctx.projectId, {
      volumeId: volume.id,
    });
    expect(sent.segments).toBe(1);
    const conn = await loadPacsConnection(ctx.db, ctx.projectId);
    const segSeries = await qidoSearch(conn, `studies/${ctStudy}/series`, { Modality: 'SEG' });
    expect(segSeries.map((s) => s['0020000E']?.Value?.[0])).toContain(sent.seriesInstanceUid);
  });

  it('a PACS that is down, slow, answers garbage or refuses the credentials: clear reasons', async () => {
    if (!orthanc) return;
    const save = (baseUrl: string, extra: Partial<Parameters<typeof savePacsConnection>[2]> = {}) =>
      savePacsConnection(ctx.db, ctx.projectId, {
        baseUrl,
        authType: 'none',
        timeoutMs: 800,
        ...extra,
      });
    const search = () => searchPacs(ctx.db, ctx.projectId, { level: 'studies', limit: 5 });
    const closed = await freeLoopbackPort();
    await save(`http://127.0.0.1:${closed}/dicom-web`);
    expect(await reason(search())).toMatch(/is not reachable \(ECONNREFUSED\)/);
    await save(await fakePacs(null));
    expect(await reason(search())).toMatch(/did not answer within 800 ms/);
    await save(
      await fakePacs((res) => {
        res.writeHead(200, { 'Content-Type': 'application/dicom+json' });
        res.end('<html>surprise</html>');
      }),
    );
    expect(await reason(search())).toMatch(/not DICOM JSON/);
    await save(orthanc.dicomweb, { authType: 'basic', username: 'loupe', secret: 'wrong' });
    expect(await reason(search())).toMatch(/refused the credentials \(HTTP 401\)/);
    const before = await ctx.db.image.count({ where: { projectId: ctx.projectId } });
    await save(await fakePacs(null));
    const results = await importPacsSeries(
      { db: ctx.db, blobs: ctx.stores.blobs },
      ctx.projectId,
      [{ studyInstanceUid: ctStudy, seriesInstanceUid: CT_SERIES }],
      TEST_LIMITS,
    );
    expect(results[0]).toMatchObject({ ok: false });
    expect(results[0]!.message).toMatch(/did not answer/);
    expect(await ctx.db.image.count({ where: { projectId: ctx.projectId } })).toBe(before);
  });
});
