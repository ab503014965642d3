/**
 * The one place that decides which Chromium the e2e tests and the benchmarks drive (see
 * chromium-setting.ts): Debian's when installed, else the one npm installed, else none, with one
 * line saying how to get one. A Chromium asked for explicitly that is not there is an error.
 */
import { existsSync } from 'node:fs';
import {
  BUNDLED_CHROMIUM_PACKAGE,
  bundledChromiumPackage,
  type BundledChromiumPackage,
} from './bundled-chromium-package';
import { readChromiumSetting, type ChromiumSetting } from './chromium-setting';
import { isExecutableFile } from './is-executable-file';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export const HOW_TO_GET_CHROMIUM =
  'npm ci installs one on Linux x64 (@sparticuz/chromium); elsewhere install Chromium ' +
  '(Debian: apt-get install -y chromium) or set LOUPE_CHROMIUM=/path/to/chromium';

export interface ChromiumLocation {
  kind: 'system' | 'bundled' | 'path';
  executablePath: string;
  /** Bundled only: the compressed binary `executablePath` is unpacked from on first launch. */
  archive?: string;
  /** For logs: which Chromium this is. */
  description: string;
}

export type ChromiumLookup =
  { location: ChromiumLocation; missing: null } | { location: null; missing: string };

export interface FindChromiumOptions {
  setting?: ChromiumSetting;
  systemPath?: string;
  platform?: NodeJS.Platform;
  arch?: string;
  bundled?: BundledChromiumPackage | null;
}

export function findChromium(options: FindChromiumOptions = {}): ChromiumLookup {
  const setting = options.setting ?? readChromiumSetting();
  const systemPath = options.systemPath ?? SYSTEM_CHROMIUM;
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;

  const system = (): ChromiumLocation | string =>
    isExecutableFile(systemPath)
      ? { kind: 'system', executablePath: systemPath, description: `Chromium at ${systemPath}` }
      : `${systemPath} is not installed`;
  const bundled = (): ChromiumLocation | string => {
    if (platform !== 'linux' || arch !== 'x64')
      return `${BUNDLED_CHROMIUM_PACKAGE} ships Chromium for Linux x64 only (this is ${platform} ${arch})`;
    const found = options.bundled === undefined ? bundledChromiumPackage() : options.bundled;
    if (!found) return `${BUNDLED_CHROMIUM_PACKAGE} is not installed (run npm ci)`;
    if (!existsSync(found.archive)) return `${found.archive} is missing (run npm ci)`;
    return {
      kind: 'bundled',
      executablePath: found.executablePath,
      archive: found.archive,
      description: `bundled Chromium (${BUNDLED_CHROMIUM_PACKAGE} ${found.version})`,
    };
  };
  const required = (found: ChromiumLocation | string, asked: string): ChromiumLookup => {
    if (typeof found === 'string') throw new Error(`LOUPE_CHROMIUM=${asked}, but ${found}`);
    return { location: found, missing: null };
  };

  switch (setting.kind) {
    case 'system':
      return required(system(), 'system');
    case 'bundled':
      return required(bundled(), 'bundled');
    case 'path':
      return required(
        isExecutableFile(setting.path)
          ? {
              kind: 'path',
              executablePath: setting.path,
              description: `Chromium at ${setting.path}`,
            }
          : `${setting.path} is not an executable file`,
        setting.path,
      );
    case 'auto': {
      const fromSystem = system();
      if (typeof fromSystem !== 'string') return { location: fromSystem, missing: null };
      const fromNpm = bundled();
      if (typeof fromNpm !== 'string') return { location: fromNpm, missing: null };
      return {
        location: null,
        missing: `no Chromium: ${fromSystem} and ${fromNpm}; ${HOW_TO_GET_CHROMIUM}`,
      };
    }
  }
}
