import { createTestDatabaseOn } from '@loupe/db/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import * as s from '../../apps/web/src/server/services/dashboard/load-dashboard';
import { seedDashboardBulk } from '../../apps/web/src/server/services/dashboard/testing/seed-dashboard-bulk';
import { getMaskEfficiency } from '../../apps/web/src/server/services/dashboard/get-mask-efficiency';
import { listModelVersions } from '../../apps/web/src/server/services/dashboard/list-model-versions';
import { listTrainingRuns } from '../../apps/web/src/server/services/dashboard/list-training-runs';
import { getReviewOutcomes } from '../../apps/web/src/server/services/dashboard/get-review-outcomes';
async function main() {
const t = await createTestDatabaseOn((process.argv[2] as 'embedded') ?? 'embedded');
const r = await seedDashboardBulk(t.db, { events: 100000 });
await t.db.$executeRawUnsafe('ANALYZE');
const time = async (name: string, f: () => Promise<unknown>) => { const a = []; for (let i = 0; i < 4; i++) { const st = performance.now(); await f(); a.push(performance.now() - st); } console.log(name, a.map(Math.round)); };
await time('eff', () => getMaskEfficiency(t.db, r.projectId));
await time('mv', () => listModelVersions(t.db, r.projectId));
await time('runs', () => listTrainingRuns(t.db, r.projectId));
await time('reviews', () => getReviewOutcomes(t.db, r.projectId));
if (process.argv[3]) {
  await t.db.$executeRawUnsafe(process.argv[3]);
  await t.db.$executeRawUnsafe('ANALYZE');
  await time('eff+idx', () => getMaskEfficiency(t.db, r.projectId));
  await time('all', () => s.loadDashboard(t.db, r.projectId));
}
await t.close();
}
void main();
