/** Headless Chromium for the e2e tests and the benchmarks, driven by playwright-core. */
import { chromium, type Browser } from 'playwright-core';
import { BrowserUnavailableError } from './browser-unavailable-error';
import type { ChromiumSetting } from './chromium-setting';
import { findChromium } from './find-chromium';
import { unpackBundledChromium } from './unpack-bundled-chromium';

/** No sandbox (containers, root), and no background traffic or updates competing with the page. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const announced = new Set<string>();

export async function launchChromium(
  options: { setting?: ChromiumSetting; log?: (line: string) => void } = {},
): Promise<Browser> {
  const log = options.log ?? console.log;
  const lookup = findChromium(options.setting ? { setting: options.setting } : {});
  if (!lookup.location) throw new BrowserUnavailableError(lookup.missing);
  const location = lookup.location;
  if (location.kind === 'bundled') await unpackBundledChromium(location, log);
  // headless: true makes playwright pass --headless itself.
  const browser = await chromium.launch({
    executablePath: location.executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  if (!announced.has(location.executablePath)) {
    announced.add(location.executablePath);
    log(`[chromium] ${location.description}, version ${browser.version()}`);
  }
  return browser;
}
