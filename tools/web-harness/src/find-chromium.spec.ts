import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledChromiumPackage } from './bundled-chromium-package';
import { readChromiumSetting } from './chromium-setting';
import { findChromium, HOW_TO_GET_CHROMIUM } from './find-chromium';

const dir = mkdtempSync(join(tmpdir(), 'loupe-find-chromium-'));
const executable = join(dir, 'chromium');
writeFileSync(executable, '#!/bin/sh\n');
chmodSync(executable, 0o755);
const notExecutable = join(dir, 'plain');
writeFileSync(notExecutable, '');
const absent = join(dir, 'absent');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const installed = bundledChromiumPackage();

describe('readChromiumSetting', () => {
  it('reads auto, system, bundled and absolute paths, and refuses anything else', () => {
    expect(readChromiumSetting({})).toEqual({ kind: 'auto' });
    expect(readChromiumSetting({ LOUPE_CHROMIUM: ' ' })).toEqual({ kind: 'auto' });
    expect(readChromiumSetting({ LOUPE_CHROMIUM: 'system' })).toEqual({ kind: 'system' });
    expect(readChromiumSetting({ LOUPE_CHROMIUM: 'bundled' })).toEqual({ kind: 'bundled' });
    expect(readChromiumSetting({ LOUPE_CHROMIUM: '/opt/chrome' })).toEqual({
      kind: 'path',
      path: '/opt/chrome',
    });
    expect(() => readChromiumSetting({ LOUPE_CHROMIUM: 'chrome' })).toThrow(
      "LOUPE_CHROMIUM must be auto, system, bundled or an absolute path to a Chromium binary; got 'chrome'",
    );
  });
});

describe('findChromium', () => {
  it('finds the npm-installed Chromium package and its compressed binary', () => {
    expect(installed).not.toBeNull();
    expect(installed?.archive).toMatch(/node_modules\/@sparticuz\/chromium\/bin\/chromium\.br$/);
    expect(installed?.executablePath).toContain(
      `node_modules/.cache/loupe-chromium/${installed?.version}/`,
    );
  });

  it('prefers the system Chromium, and takes the bundled one where there is none', () => {
    const auto = { kind: 'auto' } as const;
    const withSystem = findChromium({
      setting: auto,
      systemPath: executable,
      platform: 'linux',
      arch: 'x64',
    });
    expect(withSystem.location?.kind).toBe('system');
    expect(withSystem.location?.executablePath).toBe(executable);
    for (const systemPath of [absent, notExecutable, '/dev/null', dir]) {
      const without = findChromium({ setting: auto, systemPath, platform: 'linux', arch: 'x64' });
      expect(without.location?.kind, systemPath).toBe('bundled');
      expect(without.location?.archive).toBe(installed?.archive);
    }
  });

  it('says how to get a Chromium when there is none, without failing', () => {
    const mac = findChromium({
      setting: { kind: 'auto' },
      systemPath: absent,
      platform: 'darwin',
      arch: 'arm64',
    });
    expect(mac.location).toBeNull();
    expect(mac.missing).toBe(
      `no Chromium: ${absent} is not installed and @sparticuz/chromium ships Chromium for Linux x64 only (this is darwin arm64); ${HOW_TO_GET_CHROMIUM}`,
    );
    const uninstalled = findChromium({
      setting: { kind: 'auto' },
      systemPath: absent,
      platform: 'linux',
      arch: 'x64',
      bundled: null,
    });
    expect(uninstalled.missing).toContain('@sparticuz/chromium is not installed (run npm ci)');
  });

  it('fails loudly when the Chromium asked for is not there', () => {
    expect(() =>
      findChromium({
        setting: { kind: 'system' },
        systemPath: absent,
        platform: 'linux',
        arch: 'x64',
      }),
    ).toThrow(`LOUPE_CHROMIUM=system, but ${absent} is not installed`);
    expect(() =>
      findChromium({
        setting: { kind: 'bundled' },
        systemPath: executable,
        platform: 'linux',
        arch: 'arm64',
      }),
    ).toThrow('LOUPE_CHROMIUM=bundled, but @sparticuz/chromium ships Chromium for Linux x64 only');
    expect(() => findChromium({ setting: { kind: 'path', path: notExecutable } })).toThrow(
      `LOUPE_CHROMIUM=${notExecutable}, but ${notExecutable} is not an executable file`,
    );
    const forced = findChromium({
      setting: { kind: 'bundled' },
      systemPath: executable,
      platform: 'linux',
      arch: 'x64',
    });
    expect(forced.location?.kind).toBe('bundled');
    expect(findChromium({ setting: { kind: 'path', path: executable } }).location).toMatchObject({
      kind: 'path',
      executablePath: executable,
    });
  });
});
