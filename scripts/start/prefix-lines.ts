import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

const COLORS = ['\u001b[36m', '\u001b[35m', '\u001b[33m', '\u001b[32m', '\u001b[34m', '\u001b[31m'];
const RESET = '\u001b[0m';

/** "[web] " in a stable colour per name when writing to a terminal. */
export function formatPrefix(name: string, colour: boolean): string {
  if (!colour) return `[${name}] `;
  const index = [...name].reduce((sum, char) => sum + char.charCodeAt(0), 0) % COLORS.length;
  return `${COLORS[index]}[${name}]${RESET} `;
}

/** Copies a child's output to ours line by line with a prefix; `onLine` sees each raw line. */
export function prefixLines(
  stream: Readable,
  name: string,
  write: (line: string) => void,
  onLine?: (line: string) => void,
): void {
  const prefix = formatPrefix(name, process.stdout.isTTY === true);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => {
    write(`${prefix}${line}`);
    onLine?.(line);
  });
}
