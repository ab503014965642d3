import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SEED_ENTRY = 'apps/web/src/server/seed/cli.ts';
export const TRAINER_ENTRY = 'apps/trainer/src/main.ts';
export const WEB_PACKAGE = 'apps/web/package.json';

/** Names what `npm start` needs but cannot find (entry points other helpers provide). */
export function missingEntryPoints(
  rootDir: string,
  options: { dev: boolean; seed: boolean },
): string[] {
  const missing: string[] = [];
  if (options.seed && !existsSync(join(rootDir, SEED_ENTRY)))
    missing.push(`${SEED_ENTRY} (the demo seed)`);
  if (!existsSync(join(rootDir, TRAINER_ENTRY)))
    missing.push(`${TRAINER_ENTRY} (the trainer worker)`);
  const webPackagePath = join(rootDir, WEB_PACKAGE);
  if (!existsSync(webPackagePath)) {
    missing.push(`${WEB_PACKAGE} (the web app)`);
  } else {
    const scripts =
      (JSON.parse(readFileSync(webPackagePath, 'utf8')) as { scripts?: Record<string, string> })
        .scripts ?? {};
    const needed = options.dev ? ['dev'] : ['build', 'start'];
    for (const script of needed)
      if (!scripts[script]) missing.push(`the "${script}" script in ${WEB_PACKAGE}`);
  }
  return missing;
}
