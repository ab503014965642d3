/**
 * How long an upload's first decode waits for the decode pool, cold (a fresh thread loads its
 * decoders through tsx) and warm (warmDecodePool at server start), and after an idle spell longer
 * than the pool's idle timeout. Prints one line each and the machine load.
 *   npx tsx apps/web/scripts/first-decode-latency.ts
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  closeDecodePool,
  decodeImageFileOffThread,
  warmDecodePool,
} from '../src/server/services/images/decode-pool';
import { TEST_LIMITS, testPng } from '../src/server/testing/web-test-context';

const png = await testPng(64, 64, 1);

async function decodeMs(): Promise<number> {
  const started = performance.now();
  await decodeImageFileOffThread(png, TEST_LIMITS);
  return performance.now() - started;
}

const cold = await decodeMs();
await closeDecodePool();
const warmStarted = performance.now();
await warmDecodePool();
const warmUp = performance.now() - warmStarted;
const warm = await decodeMs();
await new Promise((resolve) => setTimeout(resolve, 12_000));
const afterIdle = await decodeMs();
await closeDecodePool();
const load = loadavg()
  .map((n) => n.toFixed(2))
  .join(' ');
console.log(`first decode, cold pool: ${cold.toFixed(0)} ms`);
console.log(`warm-up at start: ${warmUp.toFixed(0)} ms (off the request path)`);
console.log(`first decode after warm-up: ${warm.toFixed(0)} ms`);
console.log(`decode after 12 s idle: ${afterIdle.toFixed(0)} ms`);
console.log(`load average: ${load}`);
