/**
 * A project's DICOMweb connection. `publicPacsConnection` is what any API returns (never the
 * secret); `loadPacsConnection` is for the server's own requests. The secret is stored encrypted
 * (../../secrets/secret-box.ts); rows saved before that still read as plain text.
 */
import type { Db } from '@loupe/db';
import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import { isSealed, openSecret, sealSecret } from '../../secrets/secret-box';
import { serverSecretKey } from '../../secrets/server-secret-key';
import type { DicomwebConnection } from './dicomweb-client';

export const pacsConnectionInput = z.object({
  baseUrl: z
    .string()
    .trim()
    .url()
    .max(500)
    .refine((u) => /^https?:\/\//i.test(u), 'The DICOMweb URL must be http(s).'),
  authType: z.enum(['none', 'basic', 'bearer']).default('none'),
  username: z.string().max(200).nullish(),
  /** Omitted: keep the stored secret; empty string: clear it. */
  secret: z.string().max(2000).optional(),
  timeoutMs: z.number().int().min(500).max(120_000).default(15_000),
});
export type PacsConnectionInput = z.infer<typeof pacsConnectionInput>;

export interface PublicPacsConnection {
  baseUrl: string;
  authType: string;
  username: string | null;
  hasSecret: boolean;
  timeoutMs: number;
}

export async function publicPacsConnection(
  db: Db,
  projectId: string,
): Promise<PublicPacsConnection | null> {
  const row = await db.pacsConnection.findUnique({
    where: { projectId },
    select: { baseUrl: true, authType: true, username: true, secret: true, timeoutMs: true },
  });
  if (!row) return null;
  const { secret, ...rest } = row;
  return { ...rest, hasSecret: !!secret };
}

export async function loadPacsConnection(db: Db, projectId: string): Promise<DicomwebConnection> {
  const row = await db.pacsConnection.findUnique({
    where: { projectId },
    select: { baseUrl: true, authType: true, username: true, secret: true, timeoutMs: true },
  });
  if (!row) throw new AppError('BAD_INPUT', 'This project has no PACS connection; add one first.');
  return {
    ...row,
    secret: row.secret ? openSecret(row.secret, serverSecretKey()) : row.secret,
    authType: row.authType as DicomwebConnection['authType'],
  };
}

export async function savePacsConnection(
  db: Db,
  projectId: string,
  input: PacsConnectionInput,
): Promise<PublicPacsConnection> {
  let secret: { secret: string | null } | null = null;
  // Encrypted at rest with the server's key; never returned to a browser.
  if (input.secret !== undefined)
    secret = { secret: input.secret ? sealSecret(input.secret, serverSecretKey()) : null };
  else {
    // A secret kept from before encryption is sealed now.
    const stored = await db.pacsConnection.findUnique({
      where: { projectId },
      select: { secret: true },
    });
    if (stored?.secret && !isSealed(stored.secret))
      secret = { secret: sealSecret(stored.secret, serverSecretKey()) };
  }
  const data = {
    baseUrl: input.baseUrl.replace(/\/+$/, ''),
    authType: input.authType,
    username: input.username ?? null,
    timeoutMs: input.timeoutMs,
    ...secret,
  };
  await db.pacsConnection.upsert({
    where: { projectId },
    create: { projectId, ...data },
    update: data,
    select: { id: true },
  });
  return (await publicPacsConnection(db, projectId))!;
}
