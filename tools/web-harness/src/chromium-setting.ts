/**
 * LOUPE_CHROMIUM, the harness's one setting (read here only): which Chromium tests and benchmarks
 * drive. `auto` (default): Debian's /usr/bin/chromium when installed, else the one npm installs
 * (@sparticuz/chromium); `system` or `bundled` force one of them; an absolute path uses that binary.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';

export type ChromiumSetting =
  { kind: 'auto' } | { kind: 'system' } | { kind: 'bundled' } | { kind: 'path'; path: string };

const settingSchema = z
  .string()
  .trim()
  .transform((value, context): ChromiumSetting => {
    if (value === '' || value === 'auto') return { kind: 'auto' };
    if (value === 'system' || value === 'bundled') return { kind: value };
    if (isAbsolute(value)) return { kind: 'path', path: value };
    context.addIssue({
      code: 'custom',
      message: `LOUPE_CHROMIUM must be auto, system, bundled or an absolute path to a Chromium binary; got '${value}'`,
    });
    return z.NEVER;
  });

export function readChromiumSetting(source: NodeJS.ProcessEnv = process.env): ChromiumSetting {
  const parsed = settingSchema.safeParse(source['LOUPE_CHROMIUM'] ?? '');
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}
