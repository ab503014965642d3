/**
 * Smoke run of every bench part at tiny sizes (`smoke: true`): each must finish in seconds and
 * produce the figures the report's targets read, as finite numbers. A part whose module does not
 * exist yet, or that does not take a smoke option yet, is skipped with one line saying so.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium } from '@loupe/web-harness';
import { writeReport } from './lib/report';
import { TARGETS } from './lib/targets';
import { PARTS, runPart, type BenchOptions, type PartName } from './run';

const partsDir = join(__dirname, 'parts');
const resultsDir = mkdtempSync(join(tmpdir(), 'loupe-bench-smoke-'));

/**
 * Targets a smoke run is expected to fill, per part (label prefixes). Parts not listed must fill
 * all of theirs. Speed's smoke measures the harness's encoder/decoder latencies only (the report's
 * browser figures fall back to them); the real app, its API and training need a production build
 * and minutes, so they run in `npm run bench:speed` only.
 */
const SMOKE_TARGETS: Partial<Record<PartName, string[]>> = {
  speed: ['browser: new box to proposal p50', 'browser: click to refined mask p50'],
  quality: ['box Dice, synthetic held-out'],
  // Loop's smoke trains the tiny network from a fresh (untrained) starter for 2 rounds of 4 masks.
  // Whether the gate promotes round 1's candidate is chance at that size (the run's seed comes from
  // its random id; the validation split is 1-2 images), and timeToPromotedSeconds is null when it
  // does not. So it is not required here; the test checks it whenever it is set, and always checks
  // round 1's time to the gate's decision (when a passing candidate would have been promoted).
  loop: ['clicks per mask', 'validation Dice'],
  // The HTTP run under 50 annotators needs the production build and a minute: bench:queue only.
  queue: ['lease statement'],
  // The new-domain rows need DRIVE (absent on a user's machine); checked below whenever it ran.
  mae: ['Dice gain of MAE init over random init at 50 masks'],
  // The new-domain budget needs DRIVE and three pools of real fine-tuning: bench:weak only.
  weak: [
    'pseudo-mask Dice from',
    'best mix vs masks only, held-out Dice at 10',
    'self-training on vs off, same human labels',
  ],
};

/**
 * Time each smoke run may take (the whole file should stay near 90 s on a quiet machine). Loop's
 * includes building the web app when no current build exists (about a minute; `npm test` builds it
 * once, for whichever of the loop smoke and the e2e tests comes first).
 */
const SMOKE_TIMEOUT_MS: Partial<Record<PartName, number>> = {
  speed: 90_000,
  loop: 300_000,
  // Four datasets on real DRIVE backgrounds (decoded from PNG and blurred on first use).
  quality: 90_000,
  // Three small training runs of the tiny network (base, round on everything, bounded round).
  rounds: 120_000,
  // Tag candidate classifiers on two datasets (3 peaks x 2 boxes per image), then five labelling
  // strategies each fine-tuning the starter (most of the time): 43 s at load 5.5.
  weak: 150_000,
};

function expectedTargets(part: PartName) {
  const prefixes = SMOKE_TARGETS[part];
  return TARGETS.filter(
    (t) => t.part === part && (!prefixes || prefixes.some((p) => t.label.startsWith(p))),
  );
}

/** Parts whose smoke run drives a Chromium; where the machine has none they skip, saying how to get one. */
const NEEDS_CHROMIUM: PartName[] = ['speed'];
const chromium = findChromium();

/**
 * Why a part cannot be smoke-run, or null. A part opts in by taking `smoke: true` (its file
 * handles a `smoke` option); quick runs of the others take minutes, too long for `npm test`.
 */
/** Parts with no smoke run at all, and why. */
const NO_SMOKE: Partial<Record<PartName, string>> = {
  scale: 'it runs two web servers and two trainers for minutes (npm run bench:scale)',
  faults:
    'it sends gigabyte gzip bombs to the production build for minutes (npm run bench:faults); the refusals themselves are apps/web specs',
};

function skipReason(part: PartName): string | null {
  const noSmoke = NO_SMOKE[part];
  if (noSmoke) return noSmoke;
  const file = join(partsDir, `${part}.ts`);
  if (!existsSync(file)) return `bench/parts/${part}.ts does not exist yet`;
  if (NEEDS_CHROMIUM.includes(part) && chromium.missing) return chromium.missing;
  if (!/\bsmoke\b/.test(readFileSync(file, 'utf8')))
    return `run${part[0]?.toUpperCase()}${part.slice(1)}Bench does not take { smoke: true } yet`;
  return null;
}

describe('bench smoke', () => {
  for (const part of PARTS) {
    const skip = skipReason(part);
    const title = skip
      ? `${part}: skipped, ${skip}`
      : `${part}: a smoke run produces the figures the report reads`;
    (skip ? it.skip : it)(
      title,
      async () => {
        const options: BenchOptions & { smoke: boolean } = { quick: true, smoke: true, resultsDir };
        const result = await runPart(part, options);
        expect(result).toBeTypeOf('object');
        for (const target of expectedTargets(part)) {
          const value = target.read(result);
          expect(
            value,
            `${part}: "${target.label}" missing or not finite in the smoke result`,
          ).toBeTypeOf('number');
          expect(Number.isFinite(value)).toBe(true);
        }
        if (part === 'loop') {
          // Round 1 always reaches the gate; its promotion time is measured whenever it promotes.
          expect(result['timeToGateDecisionSeconds']).toBeTypeOf('number');
          expect(Number.isFinite(result['timeToGateDecisionSeconds'])).toBe(true);
          const promoted = result['timeToPromotedSeconds'];
          if (promoted !== null) expect(Number.isFinite(promoted)).toBe(true);
          // The scripted annotator worked through the API: every mask saved and submitted, and the
          // page's events (opened, box, proposal shown, accept, closed at least) recorded per image.
          const config = result['config'] as { rounds: number; masksPerRound: number };
          const recorded = result['recorded'] as {
            masks: number;
            submittedTasks: number;
            interactionEvents: number;
          };
          const masks = config.rounds * config.masksPerRound;
          expect(recorded.masks).toBe(masks);
          expect(recorded.submittedTasks).toBe(masks);
          expect(recorded.interactionEvents).toBeGreaterThanOrEqual(5 * masks);
        }
        if (part === 'mae') {
          const ood = result['ood'] as { error?: string; gainAt25?: number; rows?: unknown[] };
          if (ood.error) expect(ood.error).toMatch(/^skipped: DRIVE not found/);
          else {
            expect(Number.isFinite(ood.gainAt25)).toBe(true);
            expect(ood.rows).toHaveLength(1);
          }
        }
        if (part === 'speed') {
          // The harness page must be cross-origin isolated, or threaded wasm silently falls back.
          const engine = (
            result['browser'] as {
              engines: Record<string, { crossOriginIsolated?: boolean; error?: string }>;
            }
          ).engines['ortWeb1Thread'];
          expect(engine?.error).toBeUndefined();
          expect(engine?.crossOriginIsolated).toBe(true);
        }
        const record = JSON.parse(readFileSync(join(resultsDir, `${part}.json`), 'utf8')) as {
          part: string;
          result: unknown;
        };
        expect(record.part).toBe(part);
      },
      SMOKE_TIMEOUT_MS[part] ?? 60_000,
    );
  }

  it('writes a report that compares the smoke figures with their targets', async () => {
    const reportFile = join(resultsDir, 'REPORT.md');
    await writeReport(resultsDir, reportFile);
    const report = readFileSync(reportFile, 'utf8');
    expect(report).toContain('## Targets from the issues');
    for (const part of PARTS.filter((p) => existsSync(join(resultsDir, `${p}.json`)))) {
      // Differences (MAE gain, loop's per-round changes) can be negative in a tiny run.
      for (const target of expectedTargets(part))
        expect(report).toMatch(
          new RegExp(
            `${target.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(quick run\\) \\| -?[0-9.]+`,
          ),
        );
    }
  });
});
