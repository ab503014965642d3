/**
 * Dumps mined tag candidates (bright-blob peaks prompted into the segmenter, their descriptors and
 * their overlap with the true lesions) for bench:weak's tag training images and for tuning images
 * (never the held-out seed), so selection rules can be tuned offline
 * (bench/loop/tags-select-tune.ts) without prompting the segmenter again.
 *
 *   npx tsx bench/loop/tags-candidates-dump.ts [--peaks 10] [--tune-seeds 1701,1703] [--out /tmp/tag-candidates.json]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_BLOB_PEAKS,
  DEFAULT_TAGS_TO_MASKS,
  blobPeaks,
  describeCandidate,
  robustZ,
  generateSyntheticFaDataset,
  loadDrivePseudoFa,
  openModelDir,
  pasteOutputProbabilities,
  type CropEmbedding,
  selectTrainingBackend,
  toLuminance,
  type SyntheticFaSample,
} from '@loupe/model/node';
import { computeCrop } from '@loupe/prompts';
import { repoRoot } from '../lib/repo-root';
import { DRIVE_DIR } from '../parts/quality';
import { TAG_TRAIN_SEEDS } from '../parts/weak';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : fallback;
}

async function main() {
  await selectTrainingBackend({ log: () => undefined });
  const maxPeaks = Number(flag('peaks', '10'));
  const out = flag('out', '/tmp/tag-candidates.json');
  const predictor = await openModelDir(join(repoRoot, 'models', 'starter'));
  const dump = async (group: string, samples: SyntheticFaSample[], present: boolean) => {
    const rows = [];
    for (const s of samples) {
      const lum = toLuminance(s.image, s.width, s.height, 1);
      const z = robustZ(lum);
      const peaks = blobPeaks(lum, s.width, s.height, { ...DEFAULT_BLOB_PEAKS, maxPeaks });
      const candidates = [];
      for (const peak of peaks) {
        const variants = [];
        const embeddings = new Map<string, CropEmbedding>();
        for (const side of DEFAULT_TAGS_TO_MASKS.promptBoxSides) {
          const box = {
            x0: Math.max(0, peak.x - side / 2),
            y0: Math.max(0, peak.y - side / 2),
            x1: Math.min(s.width, peak.x + side / 2),
            y1: Math.min(s.height, peak.y + side / 2),
          };
          const crop = computeCrop(
            box,
            { width: s.width, height: s.height },
            { inputSize: predictor.manifest.inputSize, ...predictor.manifest.crop },
          );
          const key = `${crop.x0},${crop.y0},${crop.size}`;
          let embedding = embeddings.get(key);
          if (!embedding) {
            embedding = await predictor.embedLuminance(lum, s.width, s.height, box);
            embeddings.set(key, embedding);
          }
          const output = await predictor.decodeLogits(embedding, box, [
            { x: peak.x, y: peak.y, positive: true },
          ]);
          let index = 0;
          output.iouPredictions.forEach((v, k) => {
            if (v > (output.iouPredictions[index] as number)) index = k;
          });
          const probabilities = pasteOutputProbabilities(output, index);
          const iou = Math.min(Math.max(output.iouPredictions[index] as number, 0), 1);
          const px: number[] = [];
          for (let i = 0; i < probabilities.length; i++)
            if ((probabilities[i] as number) > 0.5) px.push(i);
          if (px.length === 0) continue;
          // Box fit: IoU of the box with the mask's bounding box inside it (promptAtPeak's).
          let [bx0, by0, bx1, by1] = [Infinity, Infinity, -Infinity, -Infinity];
          for (const p of px) {
            const x = p % s.width;
            const y = (p - x) / s.width;
            bx0 = Math.min(bx0, x);
            by0 = Math.min(by0, y);
            bx1 = Math.max(bx1, x + 1);
            by1 = Math.max(by1, y + 1);
          }
          const ix = Math.max(0, Math.min(bx1, box.x1) - Math.max(bx0, box.x0));
          const iy = Math.max(0, Math.min(by1, box.y1) - Math.max(by0, box.y0));
          const union = (bx1 - bx0) * (by1 - by0) + (box.x1 - box.x0) * (box.y1 - box.y0) - ix * iy;
          variants.push({
            side,
            iou,
            boxFit: union > 0 ? (ix * iy) / union : 0,
            features: Array.from(describeCandidate(z, s.width, s.height, Int32Array.from(px), iou)),
            pixels: px,
          });
        }
        for (const e of embeddings.values()) {
          e.imageEmbedding.dispose();
          e.highResFeatures.dispose();
        }
        candidates.push({ peak, variants });
      }
      rows.push({
        group,
        present,
        width: s.width,
        height: s.height,
        lesions: s.lesions.map((l) => Array.from(l.data.keys()).filter((i) => l.data[i])),
        candidates,
      });
    }
    console.log(group, rows.length, new Date().toISOString());
    return rows;
  };
  const syn = (count: number, seed: number, lesions?: [number, number]) =>
    generateSyntheticFaDataset({ count, size: 256, seed, ...(lesions ? { lesions } : {}) });
  const rows = [
    ...(await dump('syn-train', syn(24, TAG_TRAIN_SEEDS.present), true)),
    ...(await dump('syn-train', syn(24, TAG_TRAIN_SEEDS.absent, [0, 0]), false)),
  ];
  // Tuning seeds come in pairs (present, present + 1 absent); never HELD_OUT_SYNTHETIC_SEED.
  for (const seed of flag('tune-seeds', '1701').split(',').map(Number)) {
    rows.push(...(await dump('syn-tune', syn(24, seed), true)));
    rows.push(...(await dump('syn-tune', syn(12, seed + 1, [0, 0]), false)));
  }
  const load = (seed: number, lesions?: [number, number]) =>
    loadDrivePseudoFa({
      seed,
      dataDir: DRIVE_DIR,
      log: () => undefined,
      ...(lesions ? { lesions } : {}),
    });
  const dp = await load(TAG_TRAIN_SEEDS.present);
  if (dp.length) {
    rows.push(...(await dump('drive-train', dp.slice(0, 8), true)));
    rows.push(
      ...(await dump(
        'drive-train',
        (await load(TAG_TRAIN_SEEDS.absent, [0, 0])).slice(0, 8),
        false,
      )),
    );
    // Tuning: photographs 8-13 (quick bench's held-out ones are 14-19), other lesion seeds.
    rows.push(...(await dump('drive-tune', (await load(1701)).slice(8, 14), true)));
    rows.push(...(await dump('drive-tune', (await load(1801)).slice(8, 14), true)));
    rows.push(...(await dump('drive-tune', (await load(1702, [0, 0])).slice(8, 11), false)));
  }
  writeFileSync(out, JSON.stringify(rows));
  await predictor.release();
}

void main();
