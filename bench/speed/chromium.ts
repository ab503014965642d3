/** The benches' Chromium: the one @loupe/web-harness picks (Debian's, else the npm-installed one). */
export { BrowserUnavailableError, launchChromium } from '@loupe/web-harness';
