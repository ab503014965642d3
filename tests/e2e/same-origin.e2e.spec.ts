/**
 * Same-origin checks and security headers over real HTTP against the production server: a page
 * on another port of the same host (same site, so SameSite=Lax cookies ride along) must not
 * upload into a project, sign anybody in or out, or call any mutation; every page carries a
 * nonce-based content security policy whose nonce is on Next's scripts, and nobody may frame it.
 * The annotate e2e (same server) proves the page, its worker and onnxruntime-web's wasm run
 * under these policies. Route handlers give one answer for real and unknown ids (401 to anonymous
 * callers) and refuse ids with NUL as bad input.
 */
import { createDb } from '@loupe/db';
import sharp from 'sharp';
import { beforeAll, describe, expect, inject, it } from 'vitest';

const e2e = inject('e2e');

/** tRPC's HTTP shape for one mutation (superjson transformer). */
function mutation(path: string, input: unknown, headers: Record<string, string>) {
  return fetch(`${e2e!.baseUrl}/api/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ json: input }),
  });
}

describe.skipIf(!e2e)('same-origin only', () => {
  let own: string;
  let foreign: string;
  let cookie: string;

  beforeAll(async () => {
    own = e2e!.baseUrl;
    const url = new URL(own);
    foreign = `${url.protocol}//${url.hostname}:${Number(url.port) + 1}`;
    const signedIn = await mutation(
      'auth.signIn',
      { email: 'admin@loupe.local', password: e2e!.password },
      { origin: own },
    );
    expect(signedIn.status).toBe(200);
    cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/=/);
  });

  it('refuses sign-in from another origin with 403 and a reason, and sets no cookie', async () => {
    const refused = await mutation(
      'auth.signIn',
      { email: 'admin@loupe.local', password: e2e!.password },
      { origin: foreign },
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toBeNull();
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('FORBIDDEN');
    expect(body.error.message).toContain(`Origin "${foreign}" is not this app`);
  });

  it('refuses a cross-site sign-out (Sec-Fetch-Site, no Origin): the session stays valid', async () => {
    const refused = await mutation('auth.signOut', undefined, {
      cookie,
      'sec-fetch-site': 'same-site',
    });
    expect(refused.status).toBe(403);
    const me = await fetch(`${own}/api/trpc/auth.me`, { headers: { cookie } });
    const meBody = (await me.json()) as { result: { data: { json: { email: string } | null } } };
    expect(meBody.result.data.json?.email).toBe('admin@loupe.local');
  });

  it('refuses an upload from another origin before reading it; the same upload from our origin lands', async () => {
    const png = await sharp(Buffer.alloc(32 * 32, 90), {
      raw: { width: 32, height: 32, channels: 1 },
    })
      .png()
      .toBuffer();
    const upload = (origin: string) => {
      const form = new FormData();
      form.append(
        'file',
        new Blob([new Uint8Array(png)], { type: 'image/png' }),
        `origin-${origin.length}.png`,
      );
      return fetch(`${own}/api/projects/${e2e!.projectId}/images`, {
        method: 'POST',
        headers: { cookie, origin },
        body: form,
      });
    };
    const refused = await upload(foreign);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      'Cross-origin request refused',
    );
    const accepted = await upload(own);
    expect(accepted.status).toBe(201);
  });

  it('takes an upload over 10 MB whole (Next cuts bodies a middleware sees at 10 MB)', async () => {
    // 256x256x96 int16 NIfTI-1, 12 MiB of voxels: truncated, it would answer 400.
    const [x, y, z] = [256, 256, 96];
    const header = new Uint8Array(352);
    const view = new DataView(header.buffer);
    view.setInt32(0, 348, true);
    [3, x, y, z, 1, 1, 1, 1].forEach((d, i) => view.setInt16(40 + i * 2, d, true));
    view.setInt16(70, 4, true);
    view.setInt16(72, 16, true);
    [1, 1, 1, 1, 1, 1, 1, 1].forEach((d, i) => view.setFloat32(76 + i * 4, d, true));
    view.setFloat32(108, 352, true);
    header.set([0x6e, 0x2b, 0x31, 0x00], 344);
    const voxels = new Int16Array(x * y * z).map((_, i) => (i * 7) % 1000);
    const form = new FormData();
    form.append('file', new Blob([header, new Uint8Array(voxels.buffer)]), 'large.nii');
    const response = await fetch(`${own}/api/projects/${e2e!.projectId}/images`, {
      method: 'POST',
      headers: { cookie, origin: own },
      body: form,
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const body = (await response.json()) as { volumes: Array<{ depth: number }> };
    expect(body.volumes[0]?.depth).toBe(z);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  it('lets same-origin and header-less clients (scripts) call mutations', async () => {
    const withOrigin = await mutation('auth.signOut', undefined, { origin: own });
    expect(withOrigin.status).toBe(401); // reached tRPC: nobody signed in on this request
    const bare = await mutation('auth.signOut', undefined, {});
    expect(bare.status).toBe(401);
  });
});

describe.skipIf(!e2e)('security headers', () => {
  it('gives every page a fresh nonce CSP that its scripts carry, and forbids framing', async () => {
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await fetch(`${e2e!.baseUrl}/sign-in`);
      expect(page.status).toBe(200);
      const policy = page.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("'wasm-unsafe-eval'");
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      expect(nonce).toBeTruthy();
      const html = await page.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      nonces.push(nonce!);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('serves the worker with its own policy (WebAssembly allowed) and API answers as data only', async () => {
    const worker = await fetch(`${e2e!.baseUrl}/inference-worker.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-security-policy')).toContain("'wasm-unsafe-eval'");
    expect(worker.headers.get('x-frame-options')).toBe('DENY');
    const api = await fetch(`${e2e!.baseUrl}/api/trpc/auth.me`);
    expect(api.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });
});

describe.skipIf(!e2e)('ids in route handlers', () => {
  it('answers anonymous callers 401 for real and unknown ids alike, and NUL ids 400', async () => {
    const db = createDb(e2e!.databaseUrl, { poolSize: 1 });
    let imageId: string;
    try {
      imageId = (
        await db.image.findFirstOrThrow({
          where: { projectId: e2e!.projectId },
          select: { id: true },
        })
      ).id;
    } finally {
      await db.$disconnect();
    }
    const base = e2e!.baseUrl;
    const real = await fetch(`${base}/api/images/${imageId}/thumbnail`);
    const unknown = await fetch(`${base}/api/images/no-such-image/thumbnail`);
    expect([real.status, unknown.status]).toEqual([401, 401]);
    expect(await real.text()).toBe(await unknown.text());

    const signedIn = await mutation(
      'auth.signIn',
      { email: 'admin@loupe.local', password: e2e!.password },
      { origin: base },
    );
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const nul = await fetch(`${base}/api/images/ab%00cd/thumbnail`, { headers: { cookie } });
    expect(nul.status).toBe(400);
    expect(((await nul.json()) as { error: { message: string } }).error.message).toContain(
      'imageId contains a NUL character',
    );
    const missing = await fetch(`${base}/api/models/no-such-model/manifest.json`, {
      headers: { cookie },
    });
    expect(missing.status).toBe(404);
  });
});
