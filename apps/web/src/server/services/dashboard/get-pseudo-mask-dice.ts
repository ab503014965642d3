/**
 * How good the pseudo-masks were, wherever a human mask of the same object exists later: each
 * stored pseudo-mask against the best-matching accepted human mask on its image (the same object
 * is the one it overlaps most), mean Dice per source. Superseded weak labels count too: a human
 * mask saved after them is exactly the comparison wanted. Newest `limit` pseudo-masks only.
 */
import type { Db } from '@loupe/db';
import { decodeMaskBytes, intersectionArea, maskArea, type Mask } from '@loupe/prompts';

export interface PseudoMaskDice {
  source: string;
  /** Pseudo-masks that had a human mask to compare with. */
  compared: number;
  meanDice: number | null;
}

function dice(a: Mask, areaA: number, b: Mask, areaB: number): number {
  if (areaA + areaB === 0) return 1;
  return (2 * intersectionArea(a, b)) / (areaA + areaB);
}

export async function getPseudoMaskDice(
  db: Db,
  projectId: string,
  limit = 300,
): Promise<PseudoMaskDice[]> {
  const labels = await db.weakLabel.findMany({
    where: {
      projectId,
      pseudoMaskRle: { not: null },
      pseudoSource: { not: null },
      image: { annotations: { some: { supersededAt: null } } },
    },
    select: {
      pseudoSource: true,
      pseudoMaskRle: true,
      image: {
        select: {
          annotations: { where: { supersededAt: null }, select: { finalRle: true } },
        },
      },
    },
    orderBy: { createdAt: 'desc' },
    take: limit,
  });
  const bySource = new Map<string, number[]>();
  for (const label of labels) {
    const pseudo = decodeMaskBytes(label.pseudoMaskRle as Uint8Array);
    const pseudoArea = maskArea(pseudo);
    let best = 0;
    for (const annotation of label.image.annotations) {
      const human = decodeMaskBytes(annotation.finalRle);
      if (human.width !== pseudo.width || human.height !== pseudo.height) continue;
      best = Math.max(best, dice(pseudo, pseudoArea, human, maskArea(human)));
    }
    const source = label.pseudoSource as string;
    bySource.set(source, [...(bySource.get(source) ?? []), best]);
  }
  return [...bySource.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([source, values]) => ({
      source,
      compared: values.length,
      meanDice: values.reduce((s, v) => s + v, 0) / values.length,
    }));
}
