/**
 * Real DICOM files for tests, and an independent reference decoder.
 *
 * - pydicom's test files (MIT; from NEMA WG04, dclunie, GDCM and dcmtk samples) come from the
 *   Debian package `python3-pydicom`: `apt-get download` + `dpkg -x` into node_modules/.cache
 *   (no root needed). Where there is no apt (not Debian), tests that need them skip with one line.
 * - jpeg-lossless-decoder-js (a dependency) ships real JPEG Lossless DICOM files.
 * - dcmtk (`dcmdjpeg`, `dcmdrle`, `dcmdjpls`, `dcmconv`, `dcmdump`) is the reference decoder:
 *   native IJG/CharLS builds, independent of the WebAssembly codecs under test. Installed with
 *   apt only as root under CI; elsewhere the comparisons skip with one line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
const cacheDir = join(repoRoot, 'node_modules/.cache/loupe-dicom-samples');
const PYDICOM_FILES = 'usr/lib/python3/dist-packages/pydicom/data/test_files';

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const ciRoot = () =>
  typeof process.getuid === 'function' && process.getuid() === 0 && !!process.env['CI'];

/** apt-get under one lock, so parallel test files never fight over dpkg. */
export function aptGet(args: string, timeoutMs = 600_000): void {
  spawnSync('sh', ['-c', `flock /tmp/loupe-apt.lock sh -c ${JSON.stringify(args)}`], {
    stdio: 'ignore',
    timeout: timeoutMs,
  });
}

let pydicom: string | null | undefined;
/** Folder of pydicom's test files, or null (with the reason in `sampleSkipReason`). */
export function pydicomTestFiles(): string | null {
  if (pydicom !== undefined) return pydicom;
  const target = join(cacheDir, 'pydicom', PYDICOM_FILES);
  if (existsSync(join(target, 'CT_small.dcm'))) return (pydicom = target);
  if (!has('apt-get') || !has('dpkg')) return (pydicom = null);
  const work = mkdtempSync(join(tmpdir(), 'loupe-pydicom-'));
  try {
    const download = () =>
      spawnSync('apt-get', ['download', 'python3-pydicom'], {
        cwd: work,
        stdio: 'ignore',
        timeout: 120_000,
      });
    // A fresh machine may have no package lists yet: CI (root) updates them once.
    if (download().status !== 0 && ciRoot()) {
      aptGet('apt-get update -qq');
      download();
    }
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) return (pydicom = null);
    const extracted = join(work, 'x');
    execFileSync('dpkg', ['-x', join(work, deb), extracted]);
    mkdirSync(join(cacheDir), { recursive: true });
    // Renamed into place in one step, so parallel test files never see half a folder.
    try {
      renameSync(extracted, join(cacheDir, 'pydicom'));
    } catch {
      // Another test file won the race; its copy is complete.
    }
    return (pydicom = existsSync(join(target, 'CT_small.dcm')) ? target : null);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Folder of jpeg-lossless-decoder-js's real JPEG Lossless DICOM test files. */
export function jpegLosslessTestFiles(): string | null {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('jpeg-lossless-decoder-js/package.json')), 'tests/data');
  return existsSync(dir) ? dir : null;
}

let dcmtk: boolean | undefined;
/** True when dcmtk's command-line tools are on PATH (installed here as root under CI). */
export function hasDcmtk(): boolean {
  if (dcmtk !== undefined) return dcmtk;
  if (has('dcmdump') && has('dcmdjpeg')) return (dcmtk = true);
  if (ciRoot() && has('apt-get'))
    aptGet('command -v dcmdump || (apt-get update -qq && apt-get install -y -qq dcmtk)');
  return (dcmtk = has('dcmdump') && has('dcmdjpeg'));
}

export const SAMPLES_SKIP_REASON =
  'real DICOM samples unavailable (needs apt-get to download Debian python3-pydicom)';
export const DCMTK_SKIP_REASON =
  'dcmtk not installed (apt-get install dcmtk); reference-decoder comparisons skipped';

/**
 * dcmtk decompresses `file` to Explicit VR Little Endian (dcmdjpeg, dcmdrle, dcmdjpls or dcmconv
 * by transfer syntax) and returns the path of the uncompressed copy.
 */
export function dcmtkDecompress(file: string, transferSyntax: string, outDir: string): string {
  const out = join(outDir, `${Math.random().toString(36).slice(2)}.dcm`);
  const tool = transferSyntax.startsWith('1.2.840.10008.1.2.4.8')
    ? 'dcmdjpls'
    : transferSyntax.startsWith('1.2.840.10008.1.2.4.')
      ? 'dcmdjpeg'
      : transferSyntax === '1.2.840.10008.1.2.5'
        ? 'dcmdrle'
        : 'dcmconv';
  // +te: write explicit little endian (dcmdjpeg turns YCbCr into RGB, as the codecs under test do).
  const args = ['+te', file, out];
  execFileSync(tool, args, { stdio: 'pipe' });
  return out;
}

/** dcmtk rewrites `file` as a bare data set (no preamble, no meta header), implicit VR. */
export function dcmtkBareDataset(file: string, outDir: string): string {
  const out = join(outDir, `${Math.random().toString(36).slice(2)}-bare.dcm`);
  execFileSync('dcmconv', ['-F', '+ti', file, out], { stdio: 'pipe' });
  return out;
}
