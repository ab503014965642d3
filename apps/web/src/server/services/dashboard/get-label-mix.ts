/**
 * The project's label mix: human masks beside the weak labels of the fast label modes (boxes,
 * image tags), the pseudo-masks made from them by source, and what a tagged / boxed image cost
 * (median seconds the image was open, from the TAG and IMAGE_CLOSED events those modes record).
 * Only live labels count (superseded ones are history). Pseudo-masks never count as human masks;
 * where a human mask of the same object exists later, their Dice against it is reported.
 */
import type { Db } from '@loupe/db';
import { getPseudoMaskDice, type PseudoMaskDice } from './get-pseudo-mask-dice';

export interface LabelMix {
  humanMasks: number;
  humanMaskImages: number;
  boxes: number;
  boxImages: number;
  /** Images per tag, most used first. */
  tags: { tag: string; images: number }[];
  taggedImages: number;
  /** Pseudo-masks stored on weak labels, by source (BOX, TAG, SELF_TRAINING). */
  pseudoMasks: { source: string; count: number; meanConfidence: number | null }[];
  medianSecondsPerTaggedImage: number | null;
  medianSecondsPerBoxedImage: number | null;
  /** Pseudo-masks against the human mask of the same object, where one exists later. */
  pseudoMaskDice: PseudoMaskDice[];
}

export async function getLabelMix(db: Db, projectId: string): Promise<LabelMix> {
  const [human, weak, tags, pseudo, seconds, pseudoMaskDice] = await Promise.all([
    db.$queryRaw<{ masks: number; images: number }[]>`
      SELECT COUNT(*)::int AS masks, COUNT(DISTINCT a."imageId")::int AS images
      FROM "Annotation" a WHERE a."projectId" = ${projectId} AND a."supersededAt" IS NULL`,
    db.$queryRaw<{ boxes: number; boxImages: number; taggedImages: number }[]>`
      SELECT COUNT(*) FILTER (WHERE w.kind = 'BOX')::int AS boxes,
        COUNT(DISTINCT w."imageId") FILTER (WHERE w.kind = 'BOX')::int AS "boxImages",
        COUNT(DISTINCT w."imageId") FILTER (WHERE w.kind = 'IMAGE_TAG')::int AS "taggedImages"
      FROM "WeakLabel" w WHERE w."projectId" = ${projectId} AND w."supersededAt" IS NULL`,
    db.$queryRaw<{ tag: string; images: number }[]>`
      SELECT w.tag, COUNT(DISTINCT w."imageId")::int AS images
      FROM "WeakLabel" w
      WHERE w."projectId" = ${projectId} AND w.kind = 'IMAGE_TAG' AND w."supersededAt" IS NULL
        AND w.tag IS NOT NULL
      GROUP BY w.tag ORDER BY images DESC, w.tag ASC`,
    db.$queryRaw<{ source: string; count: number; meanConfidence: number | null }[]>`
      SELECT w."pseudoSource"::text AS source, COUNT(*)::int AS count,
        AVG(w."pseudoConfidence")::float8 AS "meanConfidence"
      FROM "WeakLabel" w
      WHERE w."projectId" = ${projectId} AND w."supersededAt" IS NULL
        AND w."pseudoMaskRle" IS NOT NULL AND w."pseudoSource" IS NOT NULL
      GROUP BY w."pseudoSource" ORDER BY source`,
    db.$queryRaw<{ tagged: number | null; boxed: number | null }[]>`
      SELECT
        percentile_cont(0.5) WITHIN GROUP (ORDER BY (e.payload->>'seconds')::float8)
          FILTER (WHERE e.type = 'TAG')::float8 AS tagged,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY (e.payload->>'seconds')::float8)
          FILTER (WHERE e.type = 'IMAGE_CLOSED' AND e.payload->>'mode' = 'box')::float8 AS boxed
      FROM "InteractionEvent" e
      WHERE e."projectId" = ${projectId} AND e.type IN ('TAG', 'IMAGE_CLOSED')
        AND jsonb_typeof(e.payload->'seconds') = 'number'`,
    getPseudoMaskDice(db, projectId),
  ]);
  return {
    humanMasks: human[0]?.masks ?? 0,
    humanMaskImages: human[0]?.images ?? 0,
    boxes: weak[0]?.boxes ?? 0,
    boxImages: weak[0]?.boxImages ?? 0,
    tags,
    taggedImages: weak[0]?.taggedImages ?? 0,
    pseudoMasks: pseudo,
    medianSecondsPerTaggedImage: seconds[0]?.tagged ?? null,
    medianSecondsPerBoxedImage: seconds[0]?.boxed ?? null,
    pseudoMaskDice,
  };
}
