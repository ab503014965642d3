/** bench/REPORT.md: targets first (misses marked), then each part's figures and plots. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, dirname } from 'node:path';
import type { BenchEnvironment } from './environment';
import { plotLines } from './plot';
import { meets, TARGETS } from './targets';

interface PartRecord {
  part: string;
  command: string;
  environment: BenchEnvironment;
  durationSeconds: number;
  quick: boolean;
  result: Record<string, unknown>;
}

function readRecords(resultsDir: string): Map<string, PartRecord> {
  const records = new Map<string, PartRecord>();
  if (!existsSync(resultsDir)) return records;
  for (const file of readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const record = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as PartRecord;
    if (record.part && record.result) records.set(record.part, record);
  }
  return records;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(3);
}

/** Flattens a result into "a.b.c | value" rows (numbers, short strings and booleans). */
function flatten(
  value: unknown,
  prefix = '',
  rows: Array<[string, string]> = [],
): Array<[string, string]> {
  if (Array.isArray(value)) {
    if (value.length <= 12) value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, rows));
    else rows.push([prefix, `${value.length} items (see JSON)`]);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value))
      flatten(child, prefix ? `${prefix}.${key}` : key, rows);
  } else if (typeof value === 'number') {
    rows.push([prefix, formatNumber(value)]);
  } else if (typeof value === 'boolean' || (typeof value === 'string' && value.length < 120)) {
    rows.push([prefix, String(value)]);
  }
  return rows;
}

/**
 * bench:weak's new-domain budgets as Dice against annotator minutes: each strategy from the
 * starter (0 minutes) to its mean over the pools, for the trainer's box rule (budgetNewDomain) and
 * the other one measured beside it (budgetNewDomainBoxesWait / BoxSupervised). Null without them.
 */
async function plotNewDomainBudget(
  result: Record<string, unknown>,
  outFile: string,
): Promise<string | null> {
  type Budget = {
    untrustedBoxes?: string;
    minutes: number;
    strategies: { name: string; diceSpread: { mean: number } }[];
    perSeed: { starterDice: number }[];
  };
  const budgets = Object.entries(result)
    .filter(
      ([key, value]) => key.startsWith('budgetNewDomain') && value && typeof value === 'object',
    )
    .map(([, value]) => value as Budget)
    .filter((b) => Array.isArray(b.strategies) && Array.isArray(b.perSeed) && b.perSeed.length);
  if (budgets.length === 0) return null;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const series = budgets.flatMap((b) =>
    b.strategies
      // Masks only does not depend on the box rule: one line for it.
      .filter((s) => b === budgets[0] || s.name !== 'masks only')
      .map((s) => ({
        name:
          s.name === 'masks only'
            ? s.name
            : `${s.name}, ${b.untrustedBoxes === 'box-supervised' ? 'as boxes' : 'waiting'}`,
        points: [
          { x: 0, y: mean(b.perSeed.map((r) => r.starterDice)) },
          { x: b.minutes, y: s.diceSpread.mean },
        ],
      })),
  );
  await plotLines({
    title: 'New lesion domain: held-out box Dice at equal annotator time (mean of the pools)',
    xTitle: 'modelled annotator minutes',
    yTitle: 'held-out Dice (box prompt)',
    series,
    outFile,
  });
  return outFile;
}

async function plotsFor(record: PartRecord, resultsDir: string): Promise<string[]> {
  const files: string[] = [];
  const result = record.result;
  const rounds = result['rounds'];
  if (record.part === 'loop' && Array.isArray(rounds) && rounds.length > 0) {
    const rows = rounds as Array<Record<string, number>>;
    const series = (name: string, key: string) => ({
      name,
      points: rows
        .filter((r) => typeof r[key] === 'number')
        .map((r) => ({ x: r['round'] ?? 0, y: r[key] ?? 0 })),
    });
    // Effort and quality have different scales: one chart each.
    const file = join(resultsDir, 'loop.png');
    await plotLines({
      title: 'Active-learning loop: corrections per accepted mask',
      xTitle: 'round (each round = one batch of accepted masks)',
      yTitle: 'clicks per mask',
      series: [series('clicks per mask', 'clicksPerMask')],
      integerX: true,
      outFile: file,
    });
    files.push(file);
    const qualityFile = join(resultsDir, 'loop-quality.png');
    await plotLines({
      title: 'Active-learning loop: model quality by round',
      xTitle: 'round',
      yTitle: 'Dice / share',
      series: [
        series('proposal Dice (served model)', 'proposalDice'),
        series('accepted without edit', 'acceptedWithoutEditShare'),
        series('validation Dice after round', 'valDice'),
        series('fixed test Dice after round', 'testDice'),
      ],
      integerX: true,
      outFile: qualityFile,
    });
    files.push(qualityFile);
  }
  if (record.part === 'weak') {
    const file = await plotNewDomainBudget(result, join(resultsDir, 'weak-budget-new-domain.png'));
    if (file) files.push(file);
  }
  for (const extra of (result['plots'] as string[] | undefined) ?? [])
    files.push(join(resultsDir, extra));
  return files.filter((f) => existsSync(f));
}

export async function writeReport(resultsDir: string, reportFile: string): Promise<void> {
  const records = readRecords(resultsDir);
  const lines: string[] = ['# Loupe benchmark report', ''];
  lines.push(
    'Generated by `npm run bench` (or `npm run bench:<part>`); every figure below was measured by the',
  );
  lines.push(
    'command named in its section, on the machine and commit stated there. Raw numbers: `bench/results/*.json`.',
    '',
  );

  lines.push(
    '## Targets from the issues',
    '',
    '| issue | figure | measured | target | status |',
    '|---|---|---|---|---|',
  );
  for (const target of TARGETS) {
    const record = records.get(target.part);
    const value = record ? target.read(record.result) : undefined;
    const status =
      value === undefined
        ? 'not measured'
        : meets(value, target.comparator, target.value)
          ? 'met'
          : '**MISSED**';
    const measured = value === undefined ? '-' : `${formatNumber(value)} ${target.unit}`.trim();
    const quick = record?.quick ? ' (quick run)' : '';
    lines.push(
      `| ${target.issue} | ${target.label}${quick} | ${measured} | ${target.comparator} ${target.value} ${target.unit} | ${status} |`,
    );
  }
  lines.push('');

  for (const [part, record] of records) {
    const env = record.environment;
    lines.push(`## ${part}`, '');
    lines.push(
      `- command: \`${record.command}\` (${record.durationSeconds} s)${record.quick ? ', quick sizes' : ''}`,
    );
    lines.push(`- machine: ${env.machine}, ${env.memoryGiB} GiB, Node ${env.node}`);
    lines.push(
      `- commit: ${env.commit}${env.dirty ? ' (with uncommitted changes)' : ''}, ${env.date}`,
      '',
    );
    const notes = record.result['notes'];
    if (typeof notes === 'string') lines.push(notes, '');
    lines.push('| figure | value |', '|---|---|');
    for (const [key, value] of flatten(record.result))
      if (key !== 'notes') lines.push(`| ${key} | ${value} |`);
    lines.push('');
    for (const plot of await plotsFor(record, resultsDir)) {
      lines.push(`![${part}](${relative(dirname(reportFile), plot)})`, '');
    }
  }
  await writeFile(reportFile, `${lines.join('\n')}\n`);
}
