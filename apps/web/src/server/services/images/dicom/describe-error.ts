/**
 * A readable sentence from whatever a library threw: dicom-parser throws strings and
 * `{ exception, dataSet }` objects, emscripten codecs throw numbers; never "[object Object]".
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/\.$/, '');
  if (typeof error === 'string') return error.replace(/\.$/, '');
  if (typeof error === 'number') return `codec error ${error}`;
  if (error && typeof error === 'object') {
    const record = error as Record<string, unknown>;
    for (const key of ['exception', 'message', 'error'])
      if (typeof record[key] === 'string') return (record[key] as string).replace(/\.$/, '');
  }
  return 'unknown error';
}
