import type { Prisma, PrismaClient } from '../generated/prisma/client';

/** A client or an interactive-transaction client: functions taking this compose into transactions. */
export type DbOrTx = PrismaClient | Prisma.TransactionClient;
