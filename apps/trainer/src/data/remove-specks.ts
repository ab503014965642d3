/**
 * An accepted object mask as an evaluation target: parts smaller than `minShare` of its largest
 * part are dropped. Accepted proposals can carry stray specks at the crop border; the simulated
 * annotator evaluates every connected part as its own object, so one speck would count as a
 * failed object and swamp the mean. The object as annotated is otherwise unchanged.
 */
import { connectedComponents, maskArea, maskUnion, type Mask } from '@loupe/prompts';

export function removeSpecks(mask: Mask, minShare = 0.1): Mask {
  const parts = connectedComponents(mask, 8);
  if (parts.length <= 1) return mask;
  const areas = parts.map(maskArea);
  const largest = Math.max(...areas);
  const kept = parts.filter((_, index) => (areas[index] as number) >= minShare * largest);
  return kept.reduce((union, part) => maskUnion(union, part));
}
