import { describe, expect, it } from 'vitest';
import { createByteCollector } from './byte-collector';

describe('createByteCollector', () => {
  it('returns exactly the bytes pushed, in order, across block boundaries', async () => {
    const collector = createByteCollector();
    const chunks: Uint8Array[] = [];
    // Odd chunk sizes so chunks straddle the 1 MiB and 2 MiB block ends.
    for (let i = 0, size = 1; collector.size < 5 * 1024 * 1024; i++) {
      const chunk = new Uint8Array(size).map((_, j) => (i * 31 + j) % 251);
      collector.push(chunk);
      chunks.push(chunk);
      size = (size * 7 + 13) % 90_001;
    }
    const expected = Buffer.concat(chunks);
    expect(collector.size).toBe(expected.length);
    const bytes = await collector.finish();
    expect(bytes.length).toBe(expected.length);
    expect(
      Buffer.compare(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), expected),
    ).toBe(0);
  });

  it('gives a view of a whole buffer of its own, so it can move to a worker', async () => {
    const collector = createByteCollector();
    collector.push(new Uint8Array([1, 2, 3]));
    const bytes = await collector.finish();
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(3);
    expect(() => structuredClone(bytes, { transfer: [bytes.buffer] })).not.toThrow();
  });

  it('gives an empty buffer when nothing was pushed', async () => {
    const bytes = await createByteCollector().finish();
    expect(bytes.length).toBe(0);
  });
});
