/** Tiny `--name value` / `--flag` parser for the model scripts. */
export function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) continue;
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) out.set(key, inline);
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--'))
      out.set(key, argv[++i] as string);
    else out.set(key, 'true');
  }
  return out;
}

export function numberArg(args: Map<string, string>, key: string, fallback: number): number {
  const v = args.get(key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${key} must be a number, got '${v}'`);
  return n;
}
