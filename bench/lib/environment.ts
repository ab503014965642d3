/** Where and how a benchmark ran: stated beside every figure in the report. */
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export interface BenchEnvironment {
  machine: string;
  cpus: number;
  memoryGiB: number;
  node: string;
  commit: string;
  dirty: boolean;
  date: string;
}

function git(args: string): string {
  try {
    return execSync(`git ${args}`, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

export function describeEnvironment(): BenchEnvironment {
  const cpu = cpus();
  return {
    machine: `${cpu[0]?.model ?? 'unknown cpu'} (${cpu.length} cores), no GPU`,
    cpus: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    commit: git('rev-parse --short HEAD'),
    dirty: git('status --porcelain') !== '',
    date: new Date().toISOString(),
  };
}
