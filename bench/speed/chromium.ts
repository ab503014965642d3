/** Headless Chromium for the speed benches (the system /usr/bin/chromium via playwright-core). */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Quiet flags: no background traffic or updates competing with the measurement. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export class BrowserUnavailableError extends Error {
  override name = 'BrowserUnavailableError';
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new BrowserUnavailableError(`no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
  // headless: true makes playwright pass --headless itself.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
