import { describe, expect, it } from 'vitest';
import { pageContentSecurityPolicy } from './content-security-policy';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('pageContentSecurityPolicy', () => {
  it('allows only nonce-bearing scripts (and what they load) plus WebAssembly, and no framing', () => {
    const policy = directives(pageContentSecurityPolicy({ nonce: 'abc123', dev: false }));
    expect(policy.get('script-src')).toEqual([
      "'self'",
      "'nonce-abc123'",
      "'strict-dynamic'",
      "'wasm-unsafe-eval'",
    ]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
  });

  it("adds eval and websockets only for next dev's hot reload", () => {
    const dev = directives(pageContentSecurityPolicy({ nonce: 'n', dev: true }));
    expect(dev.get('script-src')).toContain("'unsafe-eval'");
    expect(dev.get('connect-src')).toContain('ws:');
  });
});
