import { handleTrpcRequest } from '../../../../server/api/handle-trpc-request';
import { getStores } from '../../../../server/blobs';
import { getDb } from '../../../../server/db';

export const dynamic = 'force-dynamic';

function handler(req: Request) {
  return handleTrpcRequest(req, { db: getDb(), stores: getStores() });
}

export { handler as GET, handler as POST };
