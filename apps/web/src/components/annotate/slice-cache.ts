/**
 * The volume page's slices in memory: each slice's samples fetched once (one request in flight per
 * slice), the neighbours of the slice on screen fetched ahead in the direction of scrolling so the
 * next wheel step never waits, and the farthest slices dropped past a budget. Not React.
 */
import type { LoadedImage } from './use-task-session';

export type FetchSlice = (imageId: string) => Promise<Omit<LoadedImage, 'id'>>;

export interface SliceCacheOptions {
  /** Image id of each slice, by slice index. */
  imageIds: readonly string[];
  fetchSlice: FetchSlice;
  /** Slices kept in memory at most (default 96). */
  budget?: number;
  /** Slices fetched ahead in the scrolling direction, and behind (defaults 6 and 2). */
  ahead?: number;
  behind?: number;
}

export class SliceCache {
  private readonly loaded = new Map<number, LoadedImage>();
  private readonly inFlight = new Map<number, Promise<LoadedImage>>();
  private readonly budget: number;
  private readonly ahead: number;
  private readonly behind: number;

  constructor(private readonly options: SliceCacheOptions) {
    this.budget = options.budget ?? 96;
    this.ahead = options.ahead ?? 6;
    this.behind = options.behind ?? 2;
  }

  get depth(): number {
    return this.options.imageIds.length;
  }

  /** The slice if it is in memory now (no fetch). */
  peek(k: number): LoadedImage | null {
    return this.loaded.get(k) ?? null;
  }

  has(k: number): boolean {
    return this.loaded.has(k);
  }

  /** The slice, fetched if needed. */
  get(k: number): Promise<LoadedImage> {
    const ready = this.loaded.get(k);
    if (ready) return Promise.resolve(ready);
    const pending = this.inFlight.get(k);
    if (pending) return pending;
    const imageId = this.options.imageIds[k];
    if (imageId === undefined)
      return Promise.reject(new Error(`slice ${k} is outside the volume (0..${this.depth - 1})`));
    const request = this.options
      .fetchSlice(imageId)
      .then((raw) => {
        const image: LoadedImage = { ...raw, id: imageId };
        this.loaded.set(k, image);
        return image;
      })
      .finally(() => this.inFlight.delete(k));
    this.inFlight.set(k, request);
    return request;
  }

  /**
   * Slice `k` is on screen and the annotator is moving in `direction`: fetch the next `ahead`
   * slices that way and `behind` the other, nearest first; drop the farthest past the budget.
   */
  prefetchAround(k: number, direction: 1 | -1): Promise<void> {
    const wanted: number[] = [];
    for (let i = 1; i <= Math.max(this.ahead, this.behind); i++) {
      if (i <= this.ahead) wanted.push(k + i * direction);
      if (i <= this.behind) wanted.push(k - i * direction);
    }
    const fetches = wanted
      .filter((j) => j >= 0 && j < this.depth)
      .map((j) => this.get(j).then(() => undefined));
    return Promise.all(fetches).then(() => this.evictFarFrom(k));
  }

  private evictFarFrom(k: number): void {
    if (this.loaded.size <= this.budget) return;
    const byDistance = [...this.loaded.keys()].sort((a, b) => Math.abs(b - k) - Math.abs(a - k));
    for (const j of byDistance.slice(0, this.loaded.size - this.budget)) this.loaded.delete(j);
  }
}
