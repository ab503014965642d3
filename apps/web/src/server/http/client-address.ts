/**
 * The client's address for per-address limits: the last X-Forwarded-For hop, which is what the
 * nearest proxy saw (`next start` fills the header from the socket when a request has none).
 * Without a proxy in front that sets it, a client can name its own address; the per-account
 * limit still holds then.
 */
export function clientAddress(headers: Headers): string {
  const hops = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  return (hops.at(-1) ?? headers.get('x-real-ip') ?? 'unknown').slice(0, 100);
}
