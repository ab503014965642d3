import { describe, expect, it } from 'vitest';
import { checkRequestOrigin } from './check-request-origin';

const request = (method: string, headers: Record<string, string>) => ({
  method,
  headers: new Headers(headers),
});

describe('checkRequestOrigin', () => {
  it('lets reads through whatever their origin (tRPC queries, images, the event stream)', () => {
    expect(checkRequestOrigin(request('GET', { host: 'a:3000', origin: 'http://evil:1' }))).toEqual(
      { ok: true },
    );
    expect(checkRequestOrigin(request('HEAD', { 'sec-fetch-site': 'cross-site' }))).toEqual({
      ok: true,
    });
  });

  it('accepts a POST whose Origin is the host it was sent to (any case)', () => {
    expect(
      checkRequestOrigin(
        request('POST', { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }),
      ),
    ).toEqual({ ok: true });
    expect(
      checkRequestOrigin(
        request('POST', { host: 'Loupe.Example:8443', origin: 'https://loupe.example:8443' }),
      ),
    ).toEqual({ ok: true });
  });

  it('refuses another port of the same host, another host and the opaque "null" origin', () => {
    for (const origin of ['http://127.0.0.1:3001', 'http://evil.example', 'null']) {
      const verdict = checkRequestOrigin(request('POST', { host: '127.0.0.1:3000', origin }));
      expect(verdict.ok, origin).toBe(false);
      if (!verdict.ok) expect(verdict.reason).toContain('Cross-origin request refused');
    }
    // An Origin without any Host to compare with cannot be ours.
    expect(checkRequestOrigin(request('PUT', { origin: 'http://127.0.0.1:3000' })).ok).toBe(false);
  });

  it('without Origin, trusts Sec-Fetch-Site: same-origin and none pass, same-site and cross-site do not', () => {
    expect(checkRequestOrigin(request('POST', { 'sec-fetch-site': 'same-origin' })).ok).toBe(true);
    expect(checkRequestOrigin(request('POST', { 'sec-fetch-site': 'none' })).ok).toBe(true);
    const sameSite = checkRequestOrigin(request('POST', { 'sec-fetch-site': 'same-site' }));
    expect(sameSite).toEqual({ ok: false, reason: expect.stringContaining('same-site page') });
    expect(checkRequestOrigin(request('DELETE', { 'sec-fetch-site': 'cross-site' })).ok).toBe(
      false,
    );
  });

  it('passes clients that send neither header (scripts carry no browser cookies)', () => {
    expect(checkRequestOrigin(request('POST', { host: '127.0.0.1:3000' }))).toEqual({ ok: true });
  });
});
