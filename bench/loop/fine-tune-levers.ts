/**
 * Which fine-tuning lever (#13 item 6) lets a round-1 candidate beat its base on a new domain:
 * from a checkpoint, fine-tune on the largest lesion of 16 DRIVE pseudo-FA images (the loop's
 * pool, seed 101) for 4 epochs at the product rate (3e-4, batch 4), once per arm, and report
 * box Dice (tfjs, crop grid) on 24 other DRIVE pseudo-FA images (the loop's test set, seed 202).
 * Arms: base (plain), encX (encoder learning-rate scale X), replayN (N of the starter's synthetic
 * training samples in every batch), emaD (EMA weights, decay D).
 *
 *   npx tsx bench/loop/fine-tune-levers.ts <checkpoint> [arms, e.g. base,enc0.1,replay2,ema0.9] [masks] [seed]
 */
import {
  fineTune,
  generateSyntheticFaDataset,
  loadDrivePseudoFa,
  loadSegmenterFromCheckpoint,
  quickValidate,
  selectTrainingBackend,
  type SyntheticFaSample,
} from '@loupe/model/node';
import { maskArea } from '@loupe/prompts';

const ckpt = process.argv[2]!;
const arms = (process.argv[3] ?? 'base,enc0.1,replay2,ema0.9').split(',');
const nTrain = Number(process.argv[4] ?? 16);
const seed = Number(process.argv[5] ?? 5);
await selectTrainingBackend();
const largest = (s: SyntheticFaSample) => {
  let best = s.lesions[0] ?? s.mask;
  for (const l of s.lesions) if (maskArea(l) > maskArea(best)) best = l;
  return { image: s.image, width: s.width, height: s.height, mask: best };
};
const train = (await loadDrivePseudoFa({ count: nTrain, seed: 101, lesions: [1, 3] })).map(largest);
const val = (await loadDrivePseudoFa({ count: 24, seed: 202, lesions: [1, 3] })).map(largest);
const synth = generateSyntheticFaDataset({ count: 40, size: 256, seed: 1001 }).flatMap((d) =>
  d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
);
{
  const { model } = await loadSegmenterFromCheckpoint(ckpt);
  console.log(`base: val box Dice ${quickValidate(model, val).dice.toFixed(4)}`);
  model.dispose();
}
for (const arm of arms) {
  const t0 = Date.now();
  const { model } = await loadSegmenterFromCheckpoint(ckpt);
  const enc = arm.startsWith('enc') ? Number(arm.slice(3)) : undefined;
  const replay = arm.startsWith('replay') ? Number(arm.slice(6)) : 0;
  const ema = arm.startsWith('ema') ? Number(arm.slice(3)) : undefined;
  const r = await fineTune({
    model,
    samples: train,
    epochs: 4,
    batchSize: 4,
    seed,
    learningRate: 3e-4,
    ...(enc !== undefined ? { encoderLearningRateScale: enc } : {}),
    ...(replay ? { replay: { samples: synth, perBatch: replay } } : {}),
    ...(ema !== undefined ? { emaDecay: ema } : {}),
  });
  r.optimizer.dispose();
  console.log(
    `${arm}: val box Dice ${quickValidate(model, val).dice.toFixed(4)} train ${quickValidate(model, train).dice.toFixed(4)} (${Math.round((Date.now() - t0) / 1000)} s)`,
  );
  model.dispose();
}
