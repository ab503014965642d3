/**
 * The loop's data from a team's labeled folder (`npm run bench:loop -- --data DIR`): DIR/images/*.png
 * and DIR/masks/*.png, objects = connected components (libs/model loadLabeledFolder, which names
 * every bad file at once). A fixed share of the images, chosen by a seeded shuffle, is the fixed
 * test set; the rest is the pool the project is made of. When the pool is smaller than
 * rounds x masks per round, each round takes fewer masks (said in the log and in the result).
 */
import { loadLabeledFolder, type SyntheticFaSample } from '@loupe/model/node';
import { createRng } from '@loupe/prompts';

export interface FolderLoopData {
  pool: SyntheticFaSample[];
  testSet: SyntheticFaSample[];
  masksPerRound: number;
  description: string;
}

export async function folderLoopData(options: {
  dir: string;
  rounds: number;
  masksPerRound: number;
  /** Most images the fixed test set takes (it takes 20 % of the folder, at least 1). */
  maxTest: number;
  log: (line: string) => void;
}): Promise<FolderLoopData> {
  const items = await loadLabeledFolder(options.dir);
  const samples: Array<SyntheticFaSample & { name: string }> = items.map((item) => ({
    name: item.name,
    image: item.pixels,
    width: item.width,
    height: item.height,
    mask: item.mask,
    lesions: item.objects,
  }));
  const rng = createRng(20_240_601);
  for (let i = samples.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [samples[i], samples[j]] = [
      samples[j] as (typeof samples)[number],
      samples[i] as (typeof samples)[number],
    ];
  }
  const testCount = Math.min(options.maxTest, Math.max(1, Math.round(samples.length * 0.2)));
  const testSet = samples.slice(0, testCount);
  const pool = samples.slice(testCount);
  const fit = Math.floor(pool.length / options.rounds);
  if (fit < 2)
    throw new Error(
      `${options.dir}: ${samples.length} labeled images leave ${pool.length} for the loop after ${testCount} test images; ${options.rounds} rounds of at least 2 masks need ${options.rounds * 2 + testCount} images (or pass fewer --rounds)`,
    );
  const masksPerRound = Math.min(options.masksPerRound, fit);
  if (masksPerRound < options.masksPerRound)
    options.log(
      `${pool.length} pool images for ${options.rounds} rounds: ${masksPerRound} masks per round instead of ${options.masksPerRound}`,
    );
  const objects = samples.reduce((n, s) => n + s.lesions.length, 0);
  const sizes = [...new Set(samples.map((s) => `${s.width}x${s.height}`))];
  return {
    pool,
    testSet,
    masksPerRound,
    description: `labeled folder ${options.dir} (${samples.length} images, ${objects} objects, ${sizes.slice(0, 3).join(', ')}${sizes.length > 3 ? ', ...' : ''}; ${pool.length} pool, ${testCount} fixed test)`,
  };
}
