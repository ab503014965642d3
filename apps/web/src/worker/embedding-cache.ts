/**
 * The worker's crop embeddings of volume slices, keyed by slice image + crop: encoded ahead while
 * the annotator scrolls or idles, or by a propagation (a re-propagation after a correction finds
 * them again). A lookup takes an entry of the same model and image whose crop fits the wanted one
 * (libs/prompts cropFits, the volume bench's encode-ahead rule). Bounded in bytes; the least
 * recently used entries are disposed first. Not thread-safe: the worker touches it only inside its
 * SerialQueue, so no entry is disposed while a decode uses it.
 */
import { cropFits, type CropTransform } from '@loupe/prompts';

export interface CacheableEmbedding {
  crop: CropTransform;
}

interface Entry<E> {
  modelVersionId: string;
  imageId: string;
  embedding: E;
  bytes: number;
}

export class EmbeddingCache<E extends CacheableEmbedding> {
  /** Insertion order is recency order: a hit moves the entry to the end. */
  private readonly entries = new Map<string, Entry<E>>();
  private used = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly dispose: (embedding: E) => void,
    private readonly sizeOf: (embedding: E) => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.used;
  }

  private static key(modelVersionId: string, imageId: string, crop: CropTransform): string {
    return `${modelVersionId}|${imageId}|${crop.x0},${crop.y0},${crop.size}`;
  }

  /**
   * The embedding of `imageId` under this model whose crop fits `wanted` best (nearest centre),
   * or null. A hit becomes the most recently used.
   */
  find(modelVersionId: string, imageId: string, wanted: CropTransform): E | null {
    let best: [string, Entry<E>] | null = null;
    let bestDistance = Infinity;
    for (const item of this.entries) {
      const entry = item[1];
      if (entry.modelVersionId !== modelVersionId || entry.imageId !== imageId) continue;
      const crop = entry.embedding.crop;
      if (!cropFits(crop, wanted)) continue;
      const d =
        Math.abs(crop.x0 + crop.size / 2 - (wanted.x0 + wanted.size / 2)) +
        Math.abs(crop.y0 + crop.size / 2 - (wanted.y0 + wanted.size / 2)) +
        Math.abs(crop.size - wanted.size);
      if (d < bestDistance) {
        best = item;
        bestDistance = d;
      }
    }
    if (!best) return null;
    this.entries.delete(best[0]);
    this.entries.set(best[0], best[1]);
    return best[1].embedding;
  }

  /** Keeps `embedding` (replacing one of the same crop), then evicts past the byte budget. */
  put(modelVersionId: string, imageId: string, embedding: E): void {
    const key = EmbeddingCache.key(modelVersionId, imageId, embedding.crop);
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.used -= old.bytes;
      if (old.embedding !== embedding) this.dispose(old.embedding);
    }
    const bytes = this.sizeOf(embedding);
    this.entries.set(key, { modelVersionId, imageId, embedding, bytes });
    this.used += bytes;
    for (const [k, entry] of this.entries) {
      if (this.used <= this.maxBytes || this.entries.size <= 1) break;
      this.entries.delete(k);
      this.used -= entry.bytes;
      this.dispose(entry.embedding);
    }
  }

  /** Disposes the entries `predicate` picks (another model's, or all). */
  forget(predicate: (modelVersionId: string, imageId: string) => boolean): void {
    for (const [k, entry] of this.entries) {
      if (!predicate(entry.modelVersionId, entry.imageId)) continue;
      this.entries.delete(k);
      this.used -= entry.bytes;
      this.dispose(entry.embedding);
    }
  }
}
