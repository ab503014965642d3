/**
 * GET /api/projects/<projectId>/dashboard.csv?table=<name>: one dashboard table as CSV
 * (tables: DASHBOARD_CSV_TABLES). Project admins only, like the dashboard itself.
 */
import { z } from 'zod';
import { requireProjectRole } from '../../../../../server/auth/require-project-role';
import { getDb } from '../../../../../server/db';
import { AppError } from '../../../../../server/errors/app-error';
import { errorResponse } from '../../../../../server/errors/to-http';
import {
  DASHBOARD_CSV_TABLES,
  dashboardCsv,
} from '../../../../../server/services/dashboard/dashboard-csv';
import { loadDashboard } from '../../../../../server/services/dashboard/load-dashboard';
import { storableParams } from '../../../../../server/http/storable-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const querySchema = z.object({
  table: z.enum(DASHBOARD_CSV_TABLES),
  idleSeconds: z.coerce.number().int().min(5).max(3600).default(60),
});

export async function GET(req: Request, { params }: { params: Promise<{ projectId: string }> }) {
  try {
    const { projectId } = await storableParams(params);
    await requireProjectRole(req, projectId, 'ADMIN');
    const url = new URL(req.url);
    const query = querySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) {
      throw new AppError(
        'BAD_INPUT',
        `Ask for ?table= one of: ${DASHBOARD_CSV_TABLES.join(', ')}.`,
        { field: 'table' },
      );
    }
    const data = await loadDashboard(getDb(), projectId, { idleSeconds: query.data.idleSeconds });
    return new Response(dashboardCsv(data, query.data.table), {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${projectId}-${query.data.table}.csv"`,
        'Cache-Control': 'no-store',
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
