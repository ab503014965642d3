/**
 * The Chromium that `npm ci` installs: @sparticuz/chromium ships a brotli-compressed headless
 * Chromium for Linux x64 inside the npm package (bin/chromium.br), so no download is needed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const BUNDLED_CHROMIUM_PACKAGE = '@sparticuz/chromium';

export interface BundledChromiumPackage {
  version: string;
  /** The compressed binary. */
  archive: string;
  /** Where it is unpacked (once per install: npm ci starts a fresh node_modules). */
  executablePath: string;
}

/** The installed package, or null when it is not installed. */
export function bundledChromiumPackage(): BundledChromiumPackage | null {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(BUNDLED_CHROMIUM_PACKAGE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return null;
    throw error;
  }
  // entry: <node_modules>/@sparticuz/chromium/build/<format>/index.*; build/* hold their own
  // package.json files (module type only), so look for the one that names the package.
  for (let dir = dirname(entry); dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name?: string;
      version?: string;
    };
    if (name !== BUNDLED_CHROMIUM_PACKAGE || !version) continue;
    return {
      version,
      archive: join(dir, 'bin', 'chromium.br'),
      executablePath: join(dirname(dirname(dir)), '.cache', 'loupe-chromium', version, 'chromium'),
    };
  }
  return null;
}
