/**
 * Candidate mining for tags to masks (WeakMedSAM's "points prompt the segmenter, the classifier
 * picks the masks"): where the CAM of a frozen encoder does not find the lesion (bench:weak's
 * diagnosis: its peaks fall on vessels and the optic disc), bright blobs of the image itself are
 * the prompt points (leakage is hyperfluorescent: local maxima of a difference of Gaussians at
 * a few scales), each prompts the segmenter, and a small classifier learned from tags
 * (candidate-classifier below: an image tagged 'absent' has no lesion candidate, one tagged
 * 'present' at least one, multiple-instance learning) scores each prompted mask from a few
 * numbers: size, brightness and contrast against its ring on the image's robust z-score,
 * flatness, fill of its box, elongation, the segmenter's predicted IoU.
 */
import type { ActivationPeak } from './class-activation-map';
import { activationPeaks } from './class-activation-map';

export interface BlobPeakOptions {
  /** Gaussian sigmas (image pixels) of the difference-of-Gaussians scales (DoG: sigma vs 2 sigma). */
  sigmas: number[];
  /** Map resolution (image pixels per cell). */
  stride: number;
  maxPeaks: number;
  /** Image pixels between peaks. */
  minDistance: number;
}

export const DEFAULT_BLOB_PEAKS: BlobPeakOptions = {
  sigmas: [2, 4, 8, 16],
  stride: 4,
  maxPeaks: 10,
  minDistance: 16,
};

export const CANDIDATE_FEATURES = [
  'logArea',
  'meanZ',
  'ringContrast',
  'insideStd',
  'boxFill',
  'aspect',
  'predictedIou',
  'maxZ',
] as const;

/** Median and 1.4826 x MAD of the luminance (what feature-grid.ts z-scores with). */
export function robustZ(luminance: Float32Array): Float32Array {
  const sorted = Float32Array.from(luminance).sort();
  const median = sorted[sorted.length >> 1] as number;
  const deviations = sorted.map((v) => Math.abs(v - median)).sort();
  const mad = Math.max(1.4826 * (deviations[deviations.length >> 1] as number), 1e-3);
  return luminance.map((v) => (v - median) / mad);
}

/** Descriptor of the pixels of one candidate on the z-scored image. */
export function describeCandidate(
  z: Float32Array,
  width: number,
  height: number,
  pixels: Int32Array,
  predictedIou: number,
): Float32Array {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  let sum = 0;
  let sq = 0;
  let max = -Infinity;
  for (const p of pixels) {
    const x = p % width;
    const y = (p - x) / width;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
    const v = z[p] as number;
    sum += v;
    sq += v * v;
    max = Math.max(max, v);
  }
  const n = pixels.length;
  const mean = sum / n;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  // Ring: the box grown by half its size, minus the candidate.
  const inside = new Set<number>(pixels);
  const gx = Math.ceil(bw / 2);
  const gy = Math.ceil(bh / 2);
  let ringSum = 0;
  let ringN = 0;
  for (let y = Math.max(0, y0 - gy); y <= Math.min(height - 1, y1 + gy); y++)
    for (let x = Math.max(0, x0 - gx); x <= Math.min(width - 1, x1 + gx); x++) {
      const i = y * width + x;
      if (inside.has(i)) continue;
      ringSum += z[i] as number;
      ringN++;
    }
  const ring = ringN ? ringSum / ringN : mean;
  return Float32Array.from([
    Math.log(n),
    mean,
    mean - ring,
    Math.sqrt(Math.max(sq / n - mean * mean, 0)),
    n / (bw * bh),
    Math.max(bw, bh) / Math.min(bw, bh),
    predictedIou,
    max,
  ]);
}

/** Separable Gaussian blur of a W x H map (edges clamped). */
function blur(values: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(2.5 * sigma));
  const kernel = Float32Array.from({ length: 2 * r + 1 }, (_, i) =>
    Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)),
  );
  const total = kernel.reduce((a, b) => a + b, 0);
  for (let i = 0; i < kernel.length; i++) kernel[i] = (kernel[i] as number) / total;
  const tmp = new Float32Array(values.length);
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++)
        s +=
          (kernel[k + r] as number) *
          (values[y * width + Math.min(width - 1, Math.max(0, x + k))] as number);
      tmp[y * width + x] = s;
    }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++)
        s +=
          (kernel[k + r] as number) *
          (tmp[Math.min(height - 1, Math.max(0, y + k)) * width + x] as number);
      out[y * width + x] = s;
    }
  return out;
}

/**
 * Bright blobs of the image: the z-scored luminance averaged onto `stride` cells, the largest
 * difference of Gaussians (sigma minus 2 sigma, scale-normalised by nothing: a plateau of any
 * size responds at the scale that fits it) over the scales, and its local maxima (image pixels).
 */
export function blobPeaks(
  luminance: Float32Array,
  width: number,
  height: number,
  options: BlobPeakOptions = DEFAULT_BLOB_PEAKS,
): ActivationPeak[] {
  const z = robustZ(luminance);
  const s = options.stride;
  const w = Math.ceil(width / s);
  const h = Math.ceil(height / s);
  const cells = new Float32Array(w * h);
  const counts = new Float32Array(w * h);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = Math.floor(y / s) * w + Math.floor(x / s);
      cells[i] = (cells[i] as number) + (z[y * width + x] as number);
      counts[i] = (counts[i] as number) + 1;
    }
  for (let i = 0; i < cells.length; i++) cells[i] = (cells[i] as number) / (counts[i] as number);
  const response = new Float32Array(w * h).fill(-Infinity);
  for (const sigma of options.sigmas) {
    const a = blur(cells, w, h, sigma / s);
    const b = blur(cells, w, h, (2 * sigma) / s);
    for (let i = 0; i < response.length; i++)
      response[i] = Math.max(response[i] as number, (a[i] as number) - (b[i] as number));
  }
  let max = 0;
  for (const v of response) max = Math.max(max, v);
  const values = response.map((v) => (max > 0 ? Math.max(0, v) / max : 0));
  return activationPeaks(
    { width: w, height: h, stride: s, values },
    { minValue: 1e-6, minDistance: options.minDistance, maxPeaks: options.maxPeaks },
  );
}

export interface CandidateClassifier {
  featureMean: Float32Array;
  featureStd: Float32Array;
  weights: Float32Array;
  bias: number;
  finalLoss: number;
}

export interface CandidateBag {
  /** Descriptors of the image's candidates. */
  features: Float32Array[];
  present: boolean;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * Logistic regression on candidate descriptors, learned from image tags by multiple-instance
 * learning: an absent image's every candidate is a negative; a present image is a bag whose
 * most lesion-like candidate must score high (the bag's logit is the log-sum-exp of its
 * candidates' logits at `sharpness`, so the gradient goes mostly to the best ones). Full-batch
 * gradient descent with L2; deterministic.
 */
export function trainCandidateClassifier(
  bags: readonly CandidateBag[],
  options: { epochs?: number; learningRate?: number; l2?: number; sharpness?: number } = {},
): CandidateClassifier {
  const all = bags.flatMap((b) => b.features);
  if (
    all.length === 0 ||
    !bags.some((b) => b.present && b.features.length) ||
    !bags.some((b) => !b.present && b.features.length)
  )
    throw new Error('candidate classifier: need candidates of images tagged present and absent');
  const dims = (all[0] as Float32Array).length;
  const featureMean = new Float32Array(dims);
  const featureStd = new Float32Array(dims);
  for (const f of all)
    for (let d = 0; d < dims; d++)
      featureMean[d] = (featureMean[d] as number) + (f[d] as number) / all.length;
  for (const f of all)
    for (let d = 0; d < dims; d++)
      featureStd[d] =
        (featureStd[d] as number) +
        ((f[d] as number) - (featureMean[d] as number)) ** 2 / all.length;
  for (let d = 0; d < dims; d++) featureStd[d] = Math.sqrt(featureStd[d] as number) || 1;
  const x = (f: Float32Array) =>
    Float32Array.from(f, (v, d) => (v - (featureMean[d] as number)) / (featureStd[d] as number));
  const data = bags.map((b) => ({ present: b.present, xs: b.features.map(x) }));
  const weights = new Float32Array(dims);
  let bias = 0;
  const epochs = options.epochs ?? 300;
  const lr = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-3;
  const r = options.sharpness ?? 4;
  // Absent candidates and present bags weigh the same in total.
  const negatives = data.filter((d) => !d.present).reduce((n, d) => n + d.xs.length, 0);
  const positives = data.filter((d) => d.present && d.xs.length).length;
  let finalLoss = Number.NaN;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gw = new Float64Array(dims);
    let gb = 0;
    let loss = 0;
    for (const bag of data) {
      if (bag.xs.length === 0) continue;
      const logits = bag.xs.map((v) =>
        v.reduce((s, vd, d) => s + vd * (weights[d] as number), bias),
      );
      if (!bag.present) {
        bag.xs.forEach((v, i) => {
          const p = sigmoid(logits[i] as number);
          loss += -Math.log(Math.max(1 - p, 1e-7)) / negatives;
          const g = p / negatives;
          for (let d = 0; d < dims; d++) gw[d] = (gw[d] as number) + g * (v[d] as number);
          gb += g;
        });
        continue;
      }
      const top = Math.max(...logits);
      const exps = logits.map((l) => Math.exp(r * (l - top)));
      const z = exps.reduce((a, b) => a + b, 0);
      const pooled = top + Math.log(z) / r;
      const p = sigmoid(pooled);
      loss += -Math.log(Math.max(p, 1e-7)) / positives;
      const g = (p - 1) / positives;
      bag.xs.forEach((v, i) => {
        const share = (exps[i] as number) / z;
        for (let d = 0; d < dims; d++) gw[d] = (gw[d] as number) + g * share * (v[d] as number);
        gb += g * share;
      });
    }
    for (let d = 0; d < dims; d++)
      weights[d] = (weights[d] as number) - lr * ((gw[d] as number) + l2 * (weights[d] as number));
    bias -= lr * gb;
    finalLoss = loss;
  }
  return { featureMean, featureStd, weights, bias, finalLoss };
}

/** Probability that a candidate is a lesion. */
export function candidateScore(classifier: CandidateClassifier, features: Float32Array): number {
  let s = classifier.bias;
  for (let d = 0; d < features.length; d++)
    s +=
      (((features[d] as number) - (classifier.featureMean[d] as number)) /
        (classifier.featureStd[d] as number)) *
      (classifier.weights[d] as number);
  return sigmoid(s);
}
