/**
 * A small DICOMweb client on fetch: QIDO-RS search (DICOM JSON), WADO-RS series retrieval
 * (multipart/related; type="application/dicom") and STOW-RS store. dicomweb-client (the npm
 * package) is built on XMLHttpRequest, which Node does not have, so it cannot run on the server.
 * Every failure becomes an AppError whose message says what went wrong: not reachable, timed out,
 * refused credentials, or an answer that is not DICOMweb.
 */
import { AppError } from '../../errors/app-error';

export interface DicomwebConnection {
  baseUrl: string;
  authType: 'none' | 'basic' | 'bearer';
  username?: string | null;
  secret?: string | null;
  timeoutMs: number;
}

/** DICOM JSON (PS3.18 F.2): tag -> { vr, Value }. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

function headers(conn: DicomwebConnection, accept: string): Record<string, string> {
  const h: Record<string, string> = { Accept: accept };
  if (conn.authType === 'basic' && conn.username)
    h['Authorization'] =
      `Basic ${Buffer.from(`${conn.username}:${conn.secret ?? ''}`).toString('base64')}`;
  if (conn.authType === 'bearer' && conn.secret) h['Authorization'] = `Bearer ${conn.secret}`;
  return h;
}

function url(conn: DicomwebConnection, path: string, params?: Record<string, string>): string {
  const u = new URL(`${conn.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [k, v] of Object.entries(params ?? {})) u.searchParams.set(k, v);
  return u.toString();
}

async function request(
  conn: DicomwebConnection,
  target: string,
  init: RequestInit & { accept: string },
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(target, {
      ...init,
      headers: { ...headers(conn, init.accept), ...(init.headers as Record<string, string>) },
      signal: AbortSignal.timeout(conn.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError')
      throw new AppError(
        'BAD_INPUT',
        `The PACS at ${conn.baseUrl} did not answer within ${conn.timeoutMs} ms.`,
        undefined,
        { cause: error },
      );
    throw new AppError(
      'BAD_INPUT',
      `The PACS at ${conn.baseUrl} is not reachable (${cause?.code ?? cause?.message ?? (error as Error).message}).`,
      undefined,
      { cause: error },
    );
  }
  if (response.status === 401 || response.status === 403)
    throw new AppError(
      'BAD_INPUT',
      `The PACS at ${conn.baseUrl} refused the credentials (HTTP ${response.status}).`,
    );
  if (!response.ok && response.status !== 204) {
    const text = (await response.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ');
    throw new AppError(
      'BAD_INPUT',
      `The PACS answered HTTP ${response.status} for ${new URL(target).pathname}${text ? `: ${text}` : ''}.`,
    );
  }
  return response;
}

/** QIDO-RS: studies, series (of a study) or instances (of a series), as DICOM JSON objects. */
export async function qidoSearch(
  conn: DicomwebConnection,
  path: string,
  params: Record<string, string>,
): Promise<DicomJson[]> {
  const response = await request(conn, url(conn, path, params), {
    method: 'GET',
    accept: 'application/dicom+json',
  });
  if (response.status === 204) return [];
  const text = await response.text();
  if (!text.trim()) return [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError(
      'BAD_INPUT',
      `The PACS answered something that is not DICOM JSON (starts with "${text.slice(0, 40).replace(/\s+/g, ' ')}").`,
    );
  }
  if (
    !Array.isArray(body) ||
    body.some((item) => !item || typeof item !== 'object' || Array.isArray(item))
  )
    throw new AppError('BAD_INPUT', 'The PACS answered JSON that is not a list of DICOM objects.');
  return body as DicomJson[];
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The parts of a multipart/related body (RFC 2046), without their headers. */
export function splitMultipart(body: Uint8Array, contentType: string): Uint8Array[] {
  const match = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!match)
    throw new AppError(
      'BAD_INPUT',
      `The PACS answered ${contentType || 'no content type'} instead of multipart/related.`,
    );
  const delimiter = new TextEncoder().encode(`--${match[1]}`);
  const parts: Uint8Array[] = [];
  let at = indexOf(body, delimiter, 0);
  while (at >= 0) {
    const start = at + delimiter.length;
    // "--" after the delimiter closes the body.
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    const headerEnd = indexOf(body, new Uint8Array([13, 10, 13, 10]), start);
    const next = indexOf(body, delimiter, start);
    if (headerEnd < 0 || next < 0) break;
    // The part ends before the CRLF that precedes the next delimiter.
    const end = body[next - 2] === 13 && body[next - 1] === 10 ? next - 2 : next;
    parts.push(body.subarray(headerEnd + 4, end));
    at = next;
  }
  return parts;
}

/** WADO-RS: every instance of a series as Part 10 bytes. */
export async function wadoRetrieveSeries(
  conn: DicomwebConnection,
  studyInstanceUid: string,
  seriesInstanceUid: string,
): Promise<Uint8Array[]> {
  const response = await request(
    conn,
    url(conn, `studies/${studyInstanceUid}/series/${seriesInstanceUid}`),
    { method: 'GET', accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
  );
  const body = new Uint8Array(await response.arrayBuffer());
  const parts = splitMultipart(body, response.headers.get('content-type') ?? '');
  if (parts.length === 0)
    throw new AppError(
      'BAD_INPUT',
      `The PACS returned no instances for series ${seriesInstanceUid}.`,
    );
  return parts;
}

/** STOW-RS: stores Part 10 instances; returns the PACS's answer (DICOM JSON). */
export async function stowInstances(
  conn: DicomwebConnection,
  instances: Uint8Array[],
  studyInstanceUid?: string,
): Promise<DicomJson> {
  const boundary = `loupe-${Math.random().toString(36).slice(2)}`;
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const instance of instances) {
    chunks.push(encoder.encode(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`));
    chunks.push(instance);
    chunks.push(encoder.encode('\r\n'));
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  const body = Buffer.concat(chunks);
  const response = await request(
    conn,
    url(conn, studyInstanceUid ? `studies/${studyInstanceUid}` : 'studies'),
    {
      method: 'POST',
      accept: 'application/dicom+json',
      headers: {
        'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
      },
      body,
    },
  );
  const text = await response.text();
  try {
    return text.trim() ? (JSON.parse(text) as DicomJson) : {};
  } catch {
    throw new AppError(
      'BAD_INPUT',
      'The PACS answered the store request with something that is not DICOM JSON.',
    );
  }
}

/** First value of a DICOM JSON attribute as text (PN values use their Alphabetic form). */
export function jsonValue(item: DicomJson, tag: string): string | null {
  const value = item[tag]?.Value?.[0];
  if (value === undefined || value === null) return null;
  if (typeof value === 'object' && 'Alphabetic' in (value as object))
    return String((value as { Alphabetic: unknown }).Alphabetic);
  return String(value);
}
