/**
 * `npm run bench` / `npm run bench:<part>`: runs benchmark parts, writes
 * bench/results/<part>.json (result + machine + commit + command) and regenerates bench/REPORT.md.
 *
 *   tsx bench/run.ts <part|all|report> [--quick]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeEnvironment } from './lib/environment';
import { writeReport } from './lib/report';

const benchDir = dirname(fileURLToPath(import.meta.url));
export const resultsDir = join(benchDir, 'results');

export interface BenchOptions {
  quick: boolean;
  resultsDir: string;
  /** Other flags, e.g. `--fresh-starter` -> freshStarter: true, `--rounds 3` -> rounds: 3. */
  [flag: string]: unknown;
}

/** `--fresh-starter --rounds 3` -> { freshStarter: true, rounds: 3 }. */
export function parseFlags(args: readonly string[]): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) continue;
    const key = arg.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      flags[key] = Number.isFinite(Number(next)) ? Number(next) : next;
      i += 1;
    } else {
      flags[key] = true;
    }
  }
  return flags;
}

type PartRunner = (options: BenchOptions) => Promise<Record<string, unknown>>;

/** Each part lives in bench/parts/<part>.ts and exports run<Part>Bench. */
export const PARTS = [
  'prompts',
  'model',
  'quality',
  'mae',
  'loop',
  'speed',
  'dashboard',
  'queue',
  'scale',
  'volume',
  'weak',
  'rounds',
  'faults',
] as const;
export type PartName = (typeof PARTS)[number];

async function loadPart(part: PartName): Promise<PartRunner> {
  const module = (await import(`./parts/${part}.ts`)) as Record<string, unknown>;
  const name = `run${part[0]?.toUpperCase()}${part.slice(1)}Bench`;
  const runner = module[name];
  if (typeof runner !== 'function')
    throw new Error(`bench/parts/${part}.ts does not export ${name}()`);
  return runner as PartRunner;
}

export async function runPart(
  part: PartName,
  options: BenchOptions,
): Promise<Record<string, unknown>> {
  const started = performance.now();
  console.log(`[bench] ${part}: running${options.quick ? ' (quick)' : ''} ...`);
  const runner = await loadPart(part);
  const result = await runner(options);
  const seconds = (performance.now() - started) / 1000;
  const record = {
    part,
    command: `npm run bench:${part}${options.flagText ? ` -- ${String(options.flagText)}` : ''}`,
    environment: describeEnvironment(),
    durationSeconds: Math.round(seconds * 10) / 10,
    quick: options.quick,
    result,
  };
  await writeFile(join(options.resultsDir, `${part}.json`), `${JSON.stringify(record, null, 2)}\n`);
  console.log(`[bench] ${part}: done in ${seconds.toFixed(1)} s -> bench/results/${part}.json`);
  return result;
}

async function main(): Promise<void> {
  const [which = 'all', ...flags] = process.argv.slice(2);
  const options: BenchOptions = {
    ...parseFlags(flags),
    quick: flags.includes('--quick'),
    resultsDir,
    flagText: flags.join(' '),
  };
  await mkdir(resultsDir, { recursive: true });
  const parts: PartName[] =
    which === 'all' ? [...PARTS] : which === 'report' ? [] : [which as PartName];
  for (const part of parts) {
    if (!PARTS.includes(part))
      throw new Error(`unknown bench part "${part}"; one of: ${PARTS.join(', ')}, all, report`);
  }
  const failures: string[] = [];
  for (const part of parts) {
    try {
      await runPart(part, options);
    } catch (error) {
      // One broken part must not hide the others' numbers; it is reported and fails the command.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`[bench] ${part}: FAILED\n${message}`);
      failures.push(part);
    }
  }
  await writeReport(options.resultsDir, join(benchDir, 'REPORT.md'));
  console.log('[bench] wrote bench/REPORT.md');
  if (failures.length) {
    console.error(`[bench] failed parts: ${failures.join(', ')}`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
