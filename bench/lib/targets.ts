/**
 * Every figure the issues promise, read from bench/results/<part>.json, so the report can
 * compare each with its target and mark misses plainly.
 */
export interface Target {
  part: string;
  label: string;
  issue: string;
  /** Reads the figure out of the part's result; undefined when the part did not measure it. */
  read: (result: Record<string, unknown>) => number | undefined;
  comparator: '<=' | '>=' | '<' | '>';
  value: number;
  unit: string;
}

/** Follows a dotted path through nested objects. */
export function at(result: unknown, path: string): number | undefined {
  let node: unknown = result;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'number' && Number.isFinite(node) ? node : undefined;
}

/** A yes/no figure as 1/0 (undefined when not measured). */
function flag(result: unknown, path: string): number | undefined {
  const parts = path.split('.');
  const last = parts.pop()!;
  let node: unknown = result;
  for (const key of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  const value = (node as Record<string, unknown> | null)?.[last];
  return typeof value === 'boolean' ? Number(value) : undefined;
}

/** p50 at the largest queue over p50 at the smallest, from statement.<db>.queue<N>.current. */
function leaseGrowth(result: unknown, database: string): number | undefined {
  const statement = (result as { statement?: Record<string, unknown> } | undefined)?.statement;
  const sizes = statement?.[database];
  if (!sizes || typeof sizes !== 'object') return undefined;
  const keys = Object.keys(sizes)
    .filter((k) => /^queue\d+$/.test(k))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  const small = at(sizes, `${keys[0]}.current.p50`);
  const large = at(sizes, `${keys[keys.length - 1]}.current.p50`);
  return keys.length >= 2 && small && large !== undefined ? large / small : undefined;
}

function sum(...values: Array<number | undefined>): number | undefined {
  return values.every((v) => v !== undefined)
    ? values.reduce<number>((a, v) => a + (v as number), 0)
    : undefined;
}

export const TARGETS: Target[] = [
  {
    part: 'prompts',
    label: 'RLE encode 1024x1024 p50',
    issue: '#3',
    read: (r) => at(r, 'rle1024.encodeP50Ms'),
    comparator: '<',
    value: 5,
    unit: 'ms',
  },
  {
    part: 'prompts',
    label: 'RLE decode 1024x1024 p50',
    issue: '#3',
    read: (r) => at(r, 'rle1024.decodeP50Ms'),
    comparator: '<',
    value: 5,
    unit: 'ms',
  },
  {
    part: 'model',
    label: 'ort-web 1 thread: encoder + decoder p50 (new box)',
    issue: '#4',
    read: (r) => sum(at(r, 'ortWeb.encoder.p50'), at(r, 'ortWeb.decoder.p50')),
    comparator: '<=',
    value: 50,
    unit: 'ms',
  },
  {
    part: 'model',
    label: 'ort-web 1 thread: decoder p50 (click)',
    issue: '#4',
    read: (r) => at(r, 'ortWeb.decoder.p50'),
    comparator: '<=',
    value: 10,
    unit: 'ms',
  },
  {
    part: 'model',
    label: 'ort-web 1 thread: decoder p50 (click), with the mask prompt',
    issue: '#13',
    read: (r) => at(r, 'ortWeb.decoder.p50'),
    comparator: '<=',
    value: 5,
    unit: 'ms',
  },
  {
    part: 'model',
    label: 'fine-tuning round, 200 masks x 4 epochs (wasm)',
    issue: '#4',
    read: (r) => {
      const ms = at(r, 'trainMsPerImage.full');
      return ms === undefined ? undefined : (ms * 800) / 1000;
    },
    comparator: '<=',
    value: 300,
    unit: 's',
  },
  // Issue #18: training images per second vs the previous (composite-op) path, same run, CPU time.
  {
    part: 'model',
    label:
      'training images/s vs the composite-op path, full step, CPU time (paired steps, same run)',
    issue: '#18',
    read: (r) => at(r, 'trainingSpeedupPaired.medianRatio'),
    comparator: '>=',
    value: 4,
    unit: 'x',
  },
  // Issue #18: a round's cost does not grow with the project (new masks + bounded replay).
  {
    part: 'rounds',
    label: 'fine-tuning round at 5,000 masks vs the 200-mask round (steps)',
    issue: '#18',
    read: (r) => at(r, 'largestProjectWorstRoundVsReference'),
    comparator: '<=',
    value: 2,
    unit: 'x',
  },
  {
    part: 'rounds',
    label: 'held-out Dice, bounded round minus training on everything',
    issue: '#18',
    read: (r) => at(r, 'dice.diceDifference'),
    comparator: '>=',
    value: -0.005,
    unit: '',
  },
  {
    part: 'rounds',
    label: 'the same, low end of the 95% interval over the paired seeds',
    issue: '#18',
    read: (r) => at(r, 'dice.diceDifferenceOverSeeds.interval95.low'),
    comparator: '>=',
    value: -0.005,
    unit: '',
  },
  // Issue #4's quality targets are for the model the library ships (the starter). The latest
  // trained model (e.g. the loop bench's, trained on other data) is reported beside it, in its section.
  {
    part: 'quality',
    label: 'box Dice, synthetic held-out (starter model)',
    issue: '#4',
    read: (r) => at(r, 'synthetic.starter.dice'),
    comparator: '>=',
    value: 0.85,
    unit: '',
  },
  // Issue #15: pseudo-masks from image-level tags alone (WeakMedSAM pipeline, starter encoder).
  {
    part: 'weak',
    label: 'pseudo-mask Dice from tags alone, synthetic held-out (starter model)',
    issue: '#15',
    read: (r) => at(r, 'tags.synthetic.dice'),
    comparator: '>=',
    value: 0.6,
    unit: '',
  },
  {
    part: 'weak',
    label: 'pseudo-mask Dice from tags alone, DRIVE pseudo-FA held-out (starter model)',
    issue: '#15',
    read: (r) => at(r, 'tags.drive.dice'),
    comparator: '>=',
    value: 0.6,
    unit: '',
  },
  {
    part: 'quality',
    label: 'box Dice, DRIVE pseudo-FA (starter model)',
    issue: '#4',
    read: (r) => at(r, 'drive.starter.dice'),
    comparator: '>=',
    value: 0.8,
    unit: '',
  },
  // Issue #13: corrections (mask prompt, iterative training) and quality on lesions the model was
  // not tuned to, for the starter, per lesion set.
  {
    part: 'quality',
    label: 'NoC@90, synthetic held-out (starter model)',
    issue: '#13',
    read: (r) => at(r, 'synthetic.starter.noc90'),
    comparator: '<=',
    value: 4,
    unit: 'clicks',
  },
  {
    part: 'quality',
    label: 'NoC@90, DRIVE pseudo-FA (starter model)',
    issue: '#13',
    read: (r) => at(r, 'drive.starter.noc90'),
    comparator: '<=',
    value: 2,
    unit: 'clicks',
  },
  {
    part: 'quality',
    label: 'NoC@90, out-of-distribution lesion set (starter model)',
    issue: '#13',
    read: (r) => at(r, 'ood.starter.noc90'),
    comparator: '<=',
    value: 6,
    unit: 'clicks',
  },
  ...(['synthetic', 'drive', 'ood'] as const).flatMap((set): Target[] => [
    {
      part: 'quality',
      label: `mIoU after 5 clicks, ${set} (starter model)`,
      issue: '#13',
      read: (r) => at(r, `${set}.starter.miouAtK.5`),
      comparator: '>=',
      value: 0.9,
      unit: '',
    },
    {
      part: 'quality',
      label: `clicks honoured (pixel inside/outside as meant), ${set} (starter model)`,
      issue: '#13',
      read: (r) => at(r, `${set}.starter.clickCorrectness.honouredShare`),
      comparator: '>=',
      value: 0.99,
      unit: '',
    },
    {
      part: 'quality',
      label: `clicks lowering IoU by > 0.01, ${set} (starter model)`,
      issue: '#13',
      read: (r) => at(r, `${set}.starter.clickCorrectness.harmfulShare`),
      comparator: '<=',
      value: 0.01,
      unit: '',
    },
  ]),
  {
    part: 'quality',
    label:
      'mask grid ceiling: lowest IoU of ground truth through the logit grid (best grid), 40-40,000 px',
    issue: '#13',
    read: (r) => at(r, 'ceiling.shapes.minBestIou'),
    comparator: '>=',
    value: 0.98,
    unit: '',
  },
  {
    part: 'quality',
    label: 'DRIVE vessels, mIoU after box + 10 clicks (starter model)',
    issue: '#13',
    read: (r) => at(r, 'vessels.starter.miouAtK.10'),
    comparator: '>=',
    value: 0.7,
    unit: '',
  },
  {
    part: 'quality',
    label: 'box Dice, synthetic held-out, not below the #13 baseline (starter model)',
    issue: '#13',
    read: (r) => at(r, 'synthetic.starter.dice'),
    comparator: '>=',
    value: 0.927,
    unit: '',
  },
  {
    part: 'quality',
    label: 'box Dice, DRIVE pseudo-FA, not below the #13 baseline (starter model)',
    issue: '#13',
    read: (r) => at(r, 'drive.starter.dice'),
    comparator: '>=',
    value: 0.954,
    unit: '',
  },
  {
    part: 'mae',
    label: 'Dice gain of MAE init over random init at 50 masks',
    issue: '#4',
    read: (r) => at(r, 'gainAt50'),
    comparator: '>',
    value: 0,
    unit: '',
  },
  {
    part: 'mae',
    label: 'Dice gain of MAE on the new (OOD) domain at 25 masks, mean of 3 seeds',
    issue: '#13',
    read: (r) => at(r, 'ood.gainAt25'),
    comparator: '>=',
    value: 0.03,
    unit: '',
  },
  {
    part: 'loop',
    label: 'clicks per mask, last round minus first round',
    issue: '#5/#8',
    read: (r) => at(r, 'clicksPerMaskChange'),
    comparator: '<',
    value: 0,
    unit: 'clicks',
  },
  {
    part: 'loop',
    label: 'validation Dice, last round minus round 1',
    issue: '#5',
    read: (r) => at(r, 'valDiceChange'),
    comparator: '>',
    value: 0,
    unit: '',
  },
  {
    part: 'loop',
    label: '20th accepted mask to promoted model in an open browser',
    issue: '#5',
    read: (r) => at(r, 'timeToPromotedSeconds'),
    comparator: '<',
    value: 600,
    unit: 's',
  },
  {
    part: 'speed',
    label: 'browser: new box to proposal p50',
    issue: '#6',
    read: (r) =>
      at(r, 'browser.boxToProposal.p50') ??
      sum(at(r, 'browser.encoder.p50'), at(r, 'browser.decoder.p50')),
    comparator: '<=',
    value: 100,
    unit: 'ms',
  },
  {
    part: 'speed',
    label: 'browser: click to refined mask p50',
    issue: '#6',
    read: (r) => at(r, 'browser.clickToMask.p50') ?? at(r, 'browser.decoder.p50'),
    comparator: '<=',
    value: 30,
    unit: 'ms',
  },
  {
    part: 'speed',
    label: 'API: save accepted mask p99, 50 annotators, real Postgres',
    issue: '#6',
    read: (r) => at(r, 'api.postgres.p99'),
    comparator: '<=',
    value: 100,
    unit: 'ms',
  },
  {
    part: 'speed',
    label: 'annotate page: click to refined mask in the canvas p50, demo image',
    issue: '#18',
    read: (r) => at(r, 'browser.clickToMask.p50'),
    comparator: '<=',
    value: 12,
    unit: 'ms',
  },
  {
    part: 'speed',
    label: 'annotate page: new box to proposal in the canvas p50, demo image',
    issue: '#18',
    read: (r) => at(r, 'browser.boxToProposal.p50'),
    comparator: '<=',
    value: 35,
    unit: 'ms',
  },
  {
    part: 'speed',
    label: 'annotate page: click to refined mask in the canvas p50, 3900x3072 16-bit',
    issue: '#18',
    read: (r) => at(r, 'browser.annotateWide.clickToMask.p50'),
    comparator: '<=',
    value: 12,
    unit: 'ms',
  },
  {
    part: 'speed',
    label: 'annotate page: new box to proposal in the canvas p50, 3900x3072 16-bit',
    issue: '#18',
    read: (r) => at(r, 'browser.annotateWide.boxToProposal.p50'),
    comparator: '<=',
    value: 35,
    unit: 'ms',
  },
  {
    part: 'speed',
    label: 'annotate page: click to the next frame p50, demo image',
    issue: '#18',
    read: (r) => at(r, 'browser.clickToMaskNextFrame.p50'),
    comparator: '<=',
    value: 12,
    unit: 'ms',
  },
  {
    part: 'speed',
    label: 'annotate page: click to the next frame p50, 3900x3072 16-bit',
    issue: '#18',
    read: (r) => at(r, 'browser.annotateWide.clickToMaskNextFrame.p50'),
    comparator: '<=',
    value: 12,
    unit: 'ms',
  },
  {
    part: 'speed',
    label: 'annotate page: saving an object p99, 3900x3072 16-bit',
    issue: '#18',
    read: (r) => at(r, 'browser.annotateWide.save.p99'),
    comparator: '<=',
    value: 100,
    unit: 'ms',
  },
  {
    part: 'speed',
    label: 'annotate page: page heap, 3900x3072 16-bit',
    issue: '#18',
    read: (r) => at(r, 'browser.annotateWide.pageHeapMB'),
    comparator: '<=',
    value: 300,
    unit: 'MB',
  },
  {
    part: 'speed',
    label: 'annotate page: peak page heap walking a 1,000-image project',
    issue: '#18',
    read: (r) => at(r, 'browser.annotateProjectWalk.projectWalk.pageHeapPeakMB'),
    comparator: '<=',
    value: 300,
    unit: 'MB',
  },
  {
    part: 'dashboard',
    label: 'dashboard data with 100,000 events',
    issue: '#7',
    read: (r) => at(r, 'loadMs.p50'),
    comparator: '<',
    value: 500,
    unit: 'ms',
  },
  {
    part: 'queue',
    label: 'queue.next p99, 50 annotators working, real Postgres',
    issue: '#18',
    read: (r) => at(r, 'postgres.next.p99'),
    comparator: '<=',
    value: 100,
    unit: 'ms',
  },
  {
    part: 'queue',
    label: 'queue.next p99, 50 annotators working, embedded database',
    issue: '#18',
    read: (r) => at(r, 'embedded.next.p99'),
    comparator: '<=',
    value: 250,
    unit: 'ms',
  },
  {
    part: 'queue',
    label: 'lease statement p50, largest queue / smallest, Postgres',
    issue: '#18',
    read: (r) => leaseGrowth(r, 'postgres'),
    comparator: '<=',
    value: 2,
    unit: 'x',
  },
  {
    part: 'queue',
    label: 'lease statement p50, largest queue / smallest, embedded',
    issue: '#18',
    read: (r) => leaseGrowth(r, 'embedded'),
    comparator: '<=',
    value: 2,
    unit: 'x',
  },
  {
    part: 'dashboard',
    label: 'dashboard data with 100,000 events, embedded database p50',
    issue: '#18',
    read: (r) =>
      at(r, 'embedded.loadMs.p50') ??
      (r['database'] === 'embedded' ? at(r, 'loadMs.p50') : undefined),
    comparator: '<=',
    value: 300,
    unit: 'ms',
  },
  {
    part: 'volume',
    label: 'volume Dice, one box + propagation (synthetic 3-D)',
    issue: '#14',
    read: (r) => at(r, 'volumeDice.oneBoxPropagation'),
    comparator: '>=',
    value: 0.85,
    unit: '',
  },
  // Issue #15: at equal modelled annotator time, the best mix (or weak-only strategy) against
  // masks only, held-out box Dice of the fine-tuned starter, in Dice points.
  {
    part: 'weak',
    label: 'best mix vs masks only, held-out Dice at 10 annotator-minutes (points)',
    issue: '#15',
    read: (r) => at(r, 'budget.comparison.gainPoints'),
    comparator: '>=',
    value: 3,
    unit: '',
  },
  // The same comparison on a new lesion domain (the starter has room to learn there), mean over
  // three pools; the spread is in budgetNewDomain.comparison.gainSpread.
  {
    part: 'weak',
    label:
      'best mix vs masks only at 10 annotator-minutes, new lesion domain, mean of 3 pools (points)',
    issue: '#15',
    read: (r) => at(r, 'budgetNewDomain.comparison.gainPoints'),
    comparator: '>=',
    value: 3,
    unit: '',
  },
  // The same after the promotion gate: a candidate below the starter on the validation masks is
  // refused, and the project keeps the starter (what an annotation team would end up with).
  {
    part: 'weak',
    label:
      'the same after the promotion gate (a refused candidate keeps the starter), new lesion domain (points)',
    issue: '#15',
    read: (r) => at(r, 'budgetNewDomain.comparison.gated.gainPoints'),
    comparator: '>=',
    value: 3,
    unit: '',
  },
  {
    part: 'weak',
    label: 'self-training not lower, new lesion domain (1 = mean gain over 3 pools >= -sd)',
    issue: '#15',
    read: (r) => flag(r, 'budgetNewDomain.selfTraining.notLower'),
    comparator: '>=',
    value: 1,
    unit: '',
  },
  // Issue #15 item 3: self-training on vs off, the same human labels ('masks only' at the
  // comparison budget), held-out box Dice of the fine-tuned starter, in Dice points: not lower.
  {
    part: 'weak',
    label: 'self-training on vs off, same human labels, held-out Dice (points)',
    issue: '#15',
    read: (r) => at(r, 'budget.selfTraining.gainPoints'),
    comparator: '>=',
    value: 0,
    unit: '',
  },
  // Issue #15: pseudo-masks from boxes alone (the trainer's rule), on the held-out synthetic set.
  {
    part: 'weak',
    label: 'pseudo-mask Dice from boxes alone, synthetic held-out (starter model)',
    issue: '#15',
    read: (r) => at(r, 'synthetic.starter.dice'),
    comparator: '>=',
    value: 0.85,
    unit: '',
  },
  {
    part: 'volume',
    label: 'slices accepted without edit',
    issue: '#14',
    read: (r) => at(r, 'slicesWithoutEditShare'),
    comparator: '>=',
    value: 0.5,
    unit: '',
  },
  {
    part: 'volume',
    label: 'annotator actions per volume vs a box on every slice',
    issue: '#14',
    read: (r) => at(r, 'actionsPerVolume.ratio'),
    comparator: '<=',
    value: 0.25,
    unit: '',
  },
  {
    part: 'volume',
    // Node's ort-web figure where the run had no Chromium.
    label: 'propagation over 64 slices, headless Chromium, 1 thread',
    issue: '#14',
    read: (r) =>
      at(r, 'propagation64Chromium.per64SlicesMs') ?? at(r, 'propagation64.per64SlicesMs'),
    comparator: '<=',
    value: 2000,
    unit: 'ms',
  },
  {
    part: 'volume',
    // The cold figure's CPU time (Chromium's processes, from /proc): what a loaded machine's wall
    // time hides.
    label: 'propagation over 64 slices, headless Chromium, 1 thread: CPU time (cold)',
    issue: '#14',
    read: (r) =>
      at(r, 'propagation64Chromium.per64SlicesCpuMs') ?? at(r, 'propagation64.per64SlicesCpuMs'),
    comparator: '<=',
    value: 2000,
    unit: 'ms',
  },
  {
    part: 'volume',
    // The cold propagation again, once V8 has tiered up onnxruntime's wasm.
    label: 'propagation over 64 slices, headless Chromium, 1 thread: cold, run again',
    issue: '#14',
    read: (r) =>
      at(r, 'propagation64Chromium.repeat.per64SlicesMs') ??
      at(r, 'propagation64.repeat.per64SlicesMs'),
    comparator: '<=',
    value: 2000,
    unit: 'ms',
  },
  {
    part: 'volume',
    label: 'propagation over 64 slices, headless Chromium, 1 thread: slices encoded ahead (warm)',
    issue: '#14',
    read: (r) =>
      at(r, 'propagation64Chromium.warm.per64SlicesMs') ??
      at(r, 'propagation64.warm.per64SlicesMs'),
    comparator: '<=',
    value: 2000,
    unit: 'ms',
  },
  {
    part: 'faults',
    label: 'other requests p99 while the hostile uploads run',
    issue: '#17',
    read: (r) => at(r, 'during.p99Ms'),
    comparator: '<',
    value: 200,
    unit: 'ms',
  },
  {
    part: 'faults',
    label: 'longest request while the hostile uploads run',
    issue: '#17',
    read: (r) => at(r, 'during.maxMs'),
    comparator: '<=',
    value: 1000,
    unit: 'ms',
  },
  {
    part: 'faults',
    label: 'server RSS after the hostile uploads, above baseline',
    issue: '#17',
    read: (r) => at(r, 'rss.aboveBaselineAfterMiB'),
    comparator: '<=',
    value: 100,
    unit: 'MiB',
  },
  {
    part: 'faults',
    label: 'hostile uploads answered wrongly',
    issue: '#17',
    read: (r) => at(r, 'counts.wrongAnswers'),
    comparator: '<=',
    value: 0,
    unit: '',
  },
  {
    part: 'faults',
    label: 'items lost (acknowledged saves and uploads not stored)',
    issue: '#17',
    read: (r) => at(r, 'counts.itemsLost'),
    comparator: '<=',
    value: 0,
    unit: '',
  },
  {
    part: 'faults',
    label: 'acknowledged saves lost when next start is SIGKILLed mid-save',
    issue: '#17',
    read: (r) => at(r, 'serverKill.itemsLost'),
    comparator: '<=',
    value: 0,
    unit: '',
  },
  {
    part: 'faults',
    label: 'saves stored twice across the SIGKILL and restart',
    issue: '#17',
    read: (r) => at(r, 'serverKill.duplicateRows'),
    comparator: '<=',
    value: 0,
    unit: '',
  },
  {
    part: 'faults',
    label: 'acknowledged saves lost when Postgres crashes and restarts mid-save',
    issue: '#17',
    read: (r) => at(r, 'postgresRestart.itemsLost'),
    comparator: '<=',
    value: 0,
    unit: '',
  },
  {
    part: 'faults',
    label: 'saves stored twice across the Postgres crash and restart',
    issue: '#17',
    read: (r) => at(r, 'postgresRestart.duplicateRows'),
    comparator: '<=',
    value: 0,
    unit: '',
  },
  {
    part: 'faults',
    label: 'disk full during an upload: refused with 507 STORAGE_FULL (1 = yes)',
    issue: '#17',
    read: (r) => flag(r, 'diskFull.refusedClearly'),
    comparator: '>=',
    value: 1,
    unit: '',
  },
  {
    part: 'faults',
    label: 'disk full during an upload: rows and partial files left',
    issue: '#17',
    read: (r) => {
      const rows = at(r, 'diskFull.rowsStoredWhileFull');
      const files = at(r, 'diskFull.partialFilesLeft');
      return rows !== undefined && files !== undefined ? rows + files : undefined;
    },
    comparator: '<=',
    value: 0,
    unit: '',
  },
  {
    part: 'faults',
    label: 'disk full during an upload: saves that failed meanwhile',
    issue: '#17',
    read: (r) => at(r, 'diskFull.savesDuring.failed'),
    comparator: '<=',
    value: 0,
    unit: '',
  },
  {
    part: 'faults',
    label: 'disk full during an upload: stored once space is freed (1 = yes)',
    issue: '#17',
    read: (r) => flag(r, 'diskFull.worksAfterFree'),
    comparator: '>=',
    value: 1,
    unit: '',
  },
];

export function meets(value: number, comparator: Target['comparator'], target: number): boolean {
  switch (comparator) {
    case '<=':
      return value <= target;
    case '>=':
      return value >= target;
    case '<':
      return value < target;
    case '>':
      return value > target;
  }
}
