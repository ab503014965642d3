import { describe, expect, it } from 'vitest';
import {
  collectGarbageAfter,
  collectGarbageSoon,
  garbageCollections,
} from './collect-garbage-soon';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('collectGarbageSoon', () => {
  it('frees unreachable buffers once calls stop, in one collection for a burst', async () => {
    const before = garbageCollections();
    let owner: { bytes: Buffer } | null = { bytes: Buffer.alloc(64 * 1024 * 1024, 1) };
    const ref = new WeakRef(owner);
    owner = null;
    collectGarbageSoon(40);
    await wait(10);
    collectGarbageSoon(40);
    await wait(10);
    collectGarbageSoon(40);
    // Still within the quiet time of the last call: nothing collected yet.
    expect(garbageCollections()).toBe(before);
    await wait(150);
    expect(garbageCollections()).toBe(before + 1);
    expect(ref.deref()).toBeUndefined();
  });

  it('never collects while an upload is still in flight, and skips when little memory waits', async () => {
    const before = garbageCollections();
    let finishUpload: () => void = () => undefined;
    const upload = collectGarbageAfter(
      () => new Promise<void>((resolve) => (finishUpload = resolve)),
    );
    // An earlier upload answered: its collection is due while this one still runs.
    collectGarbageSoon(20);
    await wait(100);
    expect(garbageCollections()).toBe(before);
    // Nothing worth a pause waiting: no collection either.
    collectGarbageSoon(20, Number.MAX_SAFE_INTEGER);
    await wait(100);
    expect(garbageCollections()).toBe(before);
    finishUpload();
    await upload;
  });
});
