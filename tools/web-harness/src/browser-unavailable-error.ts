/** No Chromium on this machine; the message says how to get one. */
export class BrowserUnavailableError extends Error {
  override name = 'BrowserUnavailableError';
}
