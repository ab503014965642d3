import type { NextConfig } from 'next';
import { fileURLToPath } from 'node:url';

/**
 * Cross-origin isolation (COOP + COEP) on every response: SharedArrayBuffer, and with it
 * onnxruntime-web's threaded wasm, is only available to cross-origin isolated pages and their
 * workers. Everything the page loads is same-origin, so `require-corp` costs nothing.
 */
const crossOriginIsolation = [
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
  { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
];

/**
 * On every response: nobody may frame us (old browsers read X-Frame-Options, new ones the CSP's
 * frame-ancestors, which src/middleware.ts sets on pages and API answers), and no MIME sniffing.
 */
const framingAndSniffing = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
];

/**
 * The inference worker and onnxruntime-web's scripts (public/): a worker runs under the policy its
 * own script was served with. Same-origin code and WebAssembly only. (Pages: src/middleware.ts.)
 */
const WORKER_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

const config: NextConfig = {
  // The e2e tests build into their own folder so they never clobber a developer's `next dev`.
  // (Build tooling, not app code: the app's environment is read in src/env.ts.)
  distDir: process.env['LOUPE_NEXT_DIST_DIR'] ?? '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  outputFileTracingRoot: fileURLToPath(new URL('../../', import.meta.url)),
  transpilePackages: ['@loupe/contracts', '@loupe/db', '@loupe/model', '@loupe/prompts'],
  serverExternalPackages: [
    'sharp',
    '@node-rs/argon2',
    'pg',
    '@prisma/client',
    '@prisma/adapter-pg',
    '@prisma/driver-adapter-utils',
    '@prisma/schema-engine-wasm',
    '@electric-sql/pglite',
    '@electric-sql/pglite-socket',
    'onnxruntime-node',
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-backend-wasm',
    // DICOM: the WebAssembly codecs find their .wasm next to their .js, so Node loads them as is.
    'dcmjs',
    'dicom-parser',
    '@cornerstonejs/codec-libjpeg-turbo-8bit',
    '@cornerstonejs/codec-charls',
    '@cornerstonejs/codec-openjpeg',
    '@cornerstonejs/codec-openjph',
    '@cornerstonejs/dicom-codec',
    'jpeg-lossless-decoder-js',
    'dcmjs-codecs',
    // The upload decode pool: piscina starts its own worker script from its package folder.
    'piscina',
  ],
  // Typecheck and lint are their own Nx targets (tsc, eslint); repeating them in `next build`
  // only doubles build time on small machines.
  typescript: { ignoreBuildErrors: true },
  eslint: { ignoreDuringBuilds: true },
  webpack(
    webpackConfig: { externals?: unknown[]; module?: { rules?: unknown[] } },
    { isServer }: { isServer: boolean },
  ) {
    if (isServer) {
      // ... and finds prisma/ with new URL('<dir>/', import.meta.url), which webpack would try to
      // bundle as an asset. Migrations never run inside the web server.
      webpackConfig.module?.rules?.push({
        test: /libs[\\/]db[\\/]src[\\/]migrations[\\/]/,
        parser: { url: false },
      });
      // libs/db's migration runner locates Prisma's wasm schema engine with require.resolve; the web
      // app never migrates, so let Node resolve it at run time instead of webpack at build time.
      // Placed first: Next's own externals handler refuses ESM subpaths referenced by require.resolve.
      webpackConfig.externals = [
        (
          { request }: { request?: string },
          callback: (error?: Error | null, result?: string) => void,
        ) =>
          request?.startsWith('@prisma/schema-engine-wasm')
            ? callback(null, `commonjs ${request}`)
            : callback(),
        ...(webpackConfig.externals ?? []),
      ];
    }
    return webpackConfig;
  },
  async headers() {
    return [
      { source: '/:path*', headers: [...crossOriginIsolation, ...framingAndSniffing] },
      // A worker runs under the policy its own script was served with (middleware skips these).
      {
        source: '/inference-worker.js',
        headers: [{ key: 'Content-Security-Policy', value: WORKER_CONTENT_SECURITY_POLICY }],
      },
      {
        source: '/ort/:file*',
        headers: [{ key: 'Content-Security-Policy', value: WORKER_CONTENT_SECURITY_POLICY }],
      },
      // The worker and ort wasm are rebuilt by predev/prebuild; revalidate rather than cache forever.
      { source: '/ort/:file*', headers: [{ key: 'Cache-Control', value: 'public, max-age=3600' }] },
    ];
  },
};

export default config;
