/**
 * bench:weak's tag pseudo-mask figures alone (the same images and settings as the bench's tags
 * part, held-out seed included), for checking a setting picked on tuning seeds without the rest of
 * the bench (the budget runs take most of its time).
 *
 *   npx tsx bench/loop/tags-held-out.ts [--quick]
 */
import { join } from 'node:path';
import { repoRoot } from '../lib/repo-root';
import { tagBenches } from '../parts/weak';

async function main() {
  const quick = process.argv.includes('--quick');
  const out = await tagBenches({ quick, resultsDir: '/tmp' }, join(repoRoot, 'models', 'starter'));
  const brief = (q: unknown): unknown => {
    const t = q as Record<string, unknown>;
    if (!t || 'skipped' in t) return t;
    const variants = t.variants as Record<string, unknown> | undefined;
    return {
      images: t.images,
      dice: t.dice,
      medianDice: t.medianDice,
      foundShare: t.foundShare,
      confident: t.confident,
      presentProbability: t.presentProbability,
      seconds: t.seconds,
      ...(variants
        ? {
            variants: Object.fromEntries(
              Object.entries(variants).map(([name, v]) => [name, brief(v)]),
            ),
          }
        : {}),
    };
  };
  console.log(
    JSON.stringify({
      quick,
      synthetic: brief(out.synthetic),
      drive: brief(out.drive),
      driveExtended: brief(out.driveExtended),
    }),
  );
}

void main();
