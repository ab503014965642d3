/**
 * sharp (libvips) as the server uses it: no operation cache and one libvips thread per image.
 * The cache (50 MB and 100 operations by default) keeps decoded pixels of images the server
 * will not see again resident after an upload; a pipeline using every core competes with the
 * request thread, and uploads already run in parallel (decode threads, the libuv pool). libvips
 * state is per process: importing this once, on any thread, sets it for all.
 */
import sharp from 'sharp';

sharp.cache(false);
sharp.concurrency(1);

export default sharp;
