/**
 * The scripted annotator at work in the product, over HTTP as the annotate page works: "next
 * image" (queue.next), the image's pixels from the image route, box -> proposal from the model the
 * subscribed browser serves -> corrective clicks from libs/prompts' simulated annotator until IoU
 * 0.9 (or a brush fix after `maxClicks`) -> accept (annotations.save) -> submit (tasks.submit),
 * with the page's interaction events (events.record) along the way.
 */
import {
  decodeRawImage,
  type InteractionEventInput,
  type ProposalShownPayload,
} from '@loupe/contracts';
import { boxFromMask, dice, encodeMaskBytes, type Mask } from '@loupe/prompts';
import type { TrpcSession } from '../speed/trpc-http';
import { annotateWithClicks } from './annotate-with-clicks';
import type { SubscribedBrowser } from './subscribed-browser';

/** The parts of the server's TaskView the annotator reads. */
interface LeasedTask {
  id: string;
  revision: number;
  image: { id: string; fileName: string; width: number; height: number; bitDepth: number };
}

/** One interaction event as the page sends it to events.record. */
type PageEvent = InteractionEventInput;

export interface AnnotatedImage {
  taskId: string;
  fileName: string;
  modelVersion: number;
  clicks: number;
  brushStrokes: number;
  proposalDice: number;
  acceptedWithoutEdit: boolean;
}

const OBJECT_ID = 'lesion-1';

/** 8-bit pixels of the image as the page fetches them (the raw variant). */
async function fetchPixels(session: TrpcSession, image: LeasedTask['image']): Promise<Uint8Array> {
  const response = await session.get(`/api/images/${image.id}/raw`);
  if (!response.ok)
    throw new Error(
      `image ${image.id}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`,
    );
  const raw = decodeRawImage(response.headers, await response.arrayBuffer());
  const { samples } = raw;
  if (!(samples instanceof Uint8Array) || raw.width !== image.width || raw.height !== image.height)
    throw new Error(
      `image ${image.id}: expected ${image.width}x${image.height} 8-bit gray pixels, got ${raw.width}x${raw.height} at ${raw.bitDepth} bits`,
    );
  return samples;
}

/**
 * The brush fix, as one stroke event: a disc over the centre of the pixels still wrong, as large
 * as their area. (The saved mask is the object itself; the stroke records where the effort went.)
 */
function brushFixStroke(
  current: Mask,
  gt: Mask,
): { points: Array<{ x: number; y: number }>; radius: number; mode: 'brush' } {
  let wrong = 0;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < gt.data.length; i++) {
    if ((current.data[i] ? 1 : 0) === (gt.data[i] ? 1 : 0)) continue;
    wrong++;
    sumX += i % gt.width;
    sumY += Math.floor(i / gt.width);
  }
  const centre =
    wrong > 0
      ? { x: sumX / wrong + 0.5, y: sumY / wrong + 0.5 }
      : { x: gt.width / 2, y: gt.height / 2 };
  return { points: [centre], radius: Math.max(1, Math.sqrt(wrong / Math.PI)), mode: 'brush' };
}

const toBase64 = (mask: Mask) => Buffer.from(encodeMaskBytes(mask)).toString('base64');

/**
 * Leases the next image and annotates it to acceptance; null when the queue is empty.
 * `groundTruth` is the object the annotator has in mind for that image.
 */
export async function annotateNextImage(options: {
  session: TrpcSession;
  projectId: string;
  browser: SubscribedBrowser;
  groundTruth: (image: { id: string; fileName: string }) => Mask;
  maxClicks: number;
}): Promise<AnnotatedImage | null> {
  const { session, projectId } = options;
  const task = await session.mutation<LeasedTask | null>('queue.next', { projectId });
  if (!task) return null;
  const events: PageEvent[] = [];
  const record = (event: Omit<PageEvent, 'clientTime'>) =>
    events.push({ ...event, clientTime: new Date().toISOString() });
  const flush = async () => {
    if (events.length === 0) return;
    await session.mutation('events.record', {
      projectId,
      taskId: task.id,
      events: events.splice(0),
    });
  };

  const pixels = await fetchPixels(session, task.image);
  record({ type: 'IMAGE_OPENED', payload: { width: task.image.width, height: task.image.height } });
  const gt = options.groundTruth(task.image);
  const served = options.browser.served();
  if (!served) throw new Error('the browser has no model yet');
  const { predictor, ref } = served;
  const modelVersionId = ref.modelVersionId;

  record({ type: 'BOX', objectId: OBJECT_ID, payload: { box: boxFromMask(gt) }, modelVersionId });
  // As the page: each click goes through the model lib's click path (SamPredictor.decodeClick:
  // the mask shown before it as mask prompt, merged around the click; the single-mask output,
  // which the clicker scores).
  const annotated = await annotateWithClicks(
    predictor,
    { pixels, width: task.image.width, height: task.image.height, channels: 1 },
    gt,
    options.maxClicks,
    {
      onProposal: (latencyMs) =>
        record({
          type: 'PROPOSAL_SHOWN',
          objectId: OBJECT_ID,
          modelVersionId,
          latencyMs,
          payload: { kind: 'box', maskPrompt: false } satisfies ProposalShownPayload,
        }),
      onClick: (click, latencyMs) =>
        record({
          type: click.positive ? 'POSITIVE_POINT' : 'NEGATIVE_POINT',
          objectId: OBJECT_ID,
          payload: { x: click.x, y: click.y },
          modelVersionId,
          latencyMs,
        }),
    },
  );
  const { proposal, reached, session: session_ } = annotated;
  // Not good enough after the clicks: the annotator fixes the rest with the brush.
  if (!reached)
    record({
      type: 'BRUSH_STROKE',
      objectId: OBJECT_ID,
      payload: brushFixStroke(session_.finalMask, gt),
    });
  const final = reached ? session_.finalMask : gt;
  const clicks = session_.clicks.length;
  const brushStrokes = reached ? 0 : 1;
  await flush();

  const saved = await session.mutation<{ revision: number; area: number; editPixels: number }>(
    'annotations.save',
    {
      projectId,
      taskId: task.id,
      objectId: OBJECT_ID,
      expectedRevision: task.revision,
      finalRle: toBase64(final),
      proposalRle: toBase64(proposal.mask),
      modelVersionId,
      clicks,
      brushStrokes,
      // Modelled human time (the script itself takes milliseconds): 2 s per box, 1.5 s per click, 8 s per brush fix.
      activeSeconds: 2 + 1.5 * clicks + 8 * brushStrokes,
    },
  );
  record({
    type: 'ACCEPT',
    objectId: OBJECT_ID,
    modelVersionId,
    payload: { area: saved.area, editPixels: saved.editPixels },
  });
  record({ type: 'IMAGE_CLOSED', payload: { objects: 1 } });
  await flush();
  await session.mutation('tasks.submit', {
    projectId,
    taskId: task.id,
    expectedRevision: saved.revision,
  });
  return {
    taskId: task.id,
    fileName: task.image.fileName,
    modelVersion: ref.version,
    clicks,
    brushStrokes,
    proposalDice: dice(proposal.mask, gt),
    acceptedWithoutEdit: clicks === 0 && reached,
  };
}
