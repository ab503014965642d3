/** The part of libs/db's blob store the trainer reads image pixels through. */
export interface BlobReader {
  get(key: string): Promise<Uint8Array>;
}
