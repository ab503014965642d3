/**
 * This machine's fp32 matmul peak from a BLAS-backed matmul (numpy, usually OpenBLAS), measured in
 * a python3 child process on all cores: the yardstick for what the training backend achieves.
 * A machine without python3 or numpy gets gflops null and the reason, never a made-up figure.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

export interface BlasMatmulPeak {
  /** Best of `repeats` n x n x n fp32 matmuls, 2n^3 / s / 1e9; null when it could not run. */
  gflops: number | null;
  /** Median of the repeats (the machine is shared; best is what an idle machine gives). */
  medianGflops: number | null;
  /** From process CPU time spread over the threads (best repeat): what idle cores would give on
   * a shared machine, comparable with the training bench's CPU-time figures. */
  cpuGflops: number | null;
  n: number;
  repeats: number;
  threads: number;
  library: string | null;
  numpy: string | null;
  error: string | null;
}

const SCRIPT = `
import json, sys, time
import numpy as np
n, repeats = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
a = rng.standard_normal((n, n), dtype=np.float32)
b = rng.standard_normal((n, n), dtype=np.float32)
a @ b
times, cpu = [], []
for _ in range(repeats):
    t, c = time.perf_counter(), time.process_time()
    a @ b
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
library = None
try:
    info = np.show_config(mode="dicts")
    blas = info.get("Build Dependencies", {}).get("blas", {})
    library = f"{blas.get('name')} {blas.get('version')}"
except Exception:
    pass
print(json.dumps({"times": times, "cpu": cpu, "numpy": np.__version__, "library": library}))
`;

export function measureBlasMatmulPeak(
  options: { n?: number; repeats?: number; threads?: number; python?: string } = {},
): BlasMatmulPeak {
  const n = options.n ?? 2048;
  const repeats = options.repeats ?? 5;
  const threads = options.threads ?? cpus().length;
  const base = {
    n,
    repeats,
    threads,
    gflops: null,
    medianGflops: null,
    cpuGflops: null,
    library: null,
    numpy: null,
  };
  const threadEnv = String(threads);
  const child = spawnSync(options.python ?? 'python3', ['-c', SCRIPT, String(n), String(repeats)], {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      OPENBLAS_NUM_THREADS: threadEnv,
      OMP_NUM_THREADS: threadEnv,
      MKL_NUM_THREADS: threadEnv,
    },
  });
  if (child.error) return { ...base, error: `python3 did not run: ${child.error.message}` };
  if (child.status !== 0)
    return {
      ...base,
      error: `python3 numpy matmul failed (exit ${child.status}): ${child.stderr.trim().split('\n').pop() ?? ''}`,
    };
  const parsed = JSON.parse(child.stdout) as {
    times: number[];
    cpu: number[];
    numpy: string;
    library: string | null;
  };
  const rates = parsed.times.map((s) => (2 * n ** 3) / s / 1e9).sort((a, b) => a - b);
  return {
    ...base,
    gflops: rates[rates.length - 1] ?? null,
    medianGflops: rates[Math.floor(rates.length / 2)] ?? null,
    cpuGflops: Math.max(...parsed.cpu.map((s) => (2 * n ** 3) / (s / threads) / 1e9)),
    library: parsed.library,
    numpy: parsed.numpy,
    error: null,
  };
}
