/**
 * @loupe/web-harness: what the e2e tests and the benchmarks need to run the web app for real.
 * The app's shared production build under `next start`, and the Chromium to drive it (Debian's
 * when installed, else the one npm installs). Never imported by app or lib code.
 */
export { ensureProductionBuild } from './ensure-production-build';
export { startServer, type RunningServer } from './start-server';
export { freePort } from './free-port';
export { repoRoot, TEST_DIST_DIR } from './paths';
export { launchChromium } from './launch-chromium';
export {
  findChromium,
  SYSTEM_CHROMIUM,
  HOW_TO_GET_CHROMIUM,
  type ChromiumLocation,
  type ChromiumLookup,
} from './find-chromium';
export { readChromiumSetting, type ChromiumSetting } from './chromium-setting';
export { BrowserUnavailableError } from './browser-unavailable-error';
