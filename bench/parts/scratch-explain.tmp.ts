import { createTestDatabaseOn } from '@loupe/db/testing';
import { seedDashboardBulk } from '../../apps/web/src/server/services/dashboard/testing/seed-dashboard-bulk';
async function main() {
const t = await createTestDatabaseOn('embedded');
const r = await seedDashboardBulk(t.db, { events: 100000 });
await t.db.$executeRawUnsafe('CREATE INDEX ev_sess ON "InteractionEvent"("projectId","taskId","userId","clientTime")');
await t.db.$executeRawUnsafe('VACUUM ANALYZE');
const gaps: Record<string, string> = {
  datepart: `date_part('epoch', e."clientTime" - LAG(e."clientTime") OVER w)`,
};
const aggs = [`SUM(CASE WHEN prev_type IN ('IDLE_START', 'IMAGE_CLOSED') THEN 0 ELSE LEAST(GREATEST(gap, 0), 60) END) AS active_seconds,
        COUNT(*) FILTER (WHERE type IN ('BOX', 'POSITIVE_POINT', 'NEGATIVE_POINT')) AS prompts,
        COUNT(*) FILTER (WHERE type IN ('BRUSH_STROKE', 'ERASER_STROKE')) AS corrections`,
  `SUM(LEAST(GREATEST(gap, 0), 60)) FILTER (WHERE prev_type NOT IN ('IDLE_START', 'IMAGE_CLOSED')) AS active_seconds`,
  `SUM(LEAST(GREATEST(gap, 0), 60)) AS active_seconds`,
  `COUNT(*) AS n`,
];
const q = (gap: string, agg: boolean) => `WITH ev AS (
      SELECT e."taskId", e."userId", e.type, ${gap} AS gap, LAG(e.type) OVER w AS prev_type
      FROM "InteractionEvent" e WHERE e."projectId" = '${r.projectId}'
      WINDOW w AS (PARTITION BY e."taskId", e."userId" ORDER BY e."clientTime")
    ) ` + `SELECT "taskId", "userId", ${agg} FROM ev GROUP BY "taskId", "userId"`;
for (const [name, gap] of Object.entries(gaps)) for (const agg of aggs) {
  const a = [];
  for (let i = 0; i < 4; i++) { const st = performance.now(); await t.db.$queryRawUnsafe(q(gap, agg)); a.push(Math.round(performance.now() - st)); }
  console.log(name, agg.slice(0, 60), a);
}
const st = performance.now(); await t.db.$queryRawUnsafe(`SELECT count(*)::int FROM "InteractionEvent" WHERE "projectId" = '${r.projectId}'`); console.log('count', performance.now() - st);
await t.close();
}
void main();
