/**
 * A part run for only some of its figures keeps the others from its previous results file, and
 * says so (`carriedFrom`: which fields, and the environment that measured them).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export async function carriedFields(
  resultsDir: string,
  part: string,
  keep: (key: string) => boolean,
): Promise<Record<string, unknown>> {
  type PreviousRecord = { result?: Record<string, unknown>; environment?: unknown };
  let previous: PreviousRecord;
  try {
    previous = JSON.parse(
      await readFile(path.join(resultsDir, `${part}.json`), 'utf8'),
    ) as PreviousRecord;
  } catch {
    return {}; // no previous run: nothing to carry
  }
  const fields = Object.fromEntries(
    Object.entries(previous.result ?? {}).filter(([key]) => key !== 'carriedFrom' && keep(key)),
  );
  if (Object.keys(fields).length === 0) return {};
  return {
    ...fields,
    carriedFrom: { fields: Object.keys(fields), environment: previous.environment },
  };
}
