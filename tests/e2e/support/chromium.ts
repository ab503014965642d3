/** The e2e tests' Chromium: the one @loupe/web-harness picks (Debian's, else the npm-installed one). */
export { findChromium, launchChromium } from '@loupe/web-harness';
