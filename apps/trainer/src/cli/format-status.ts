/** `trainer status`: the active model, recent versions, runs and pending jobs of a project. */
import type { Db } from '@loupe/db';

const fixed = (value: number | null | undefined, digits: number) =>
  typeof value === 'number' ? value.toFixed(digits) : '-';

export async function formatProjectStatus(db: Db, projectId: string): Promise<string> {
  const [project, versions, runs, jobs] = await Promise.all([
    db.project.findUniqueOrThrow({
      where: { id: projectId },
      select: {
        slug: true,
        finetuneMinNewMasks: true,
        pretrainMinNewImages: true,
        autoTrain: true,
        activeModelVersion: { select: { version: true } },
      },
    }),
    db.modelVersion.findMany({
      where: { projectId },
      orderBy: { version: 'desc' },
      take: 10,
      select: {
        version: true,
        status: true,
        valDice: true,
        valNoc90: true,
        trainLabelCount: true,
        statusReason: true,
        createdAt: true,
      },
    }),
    db.trainingRun.findMany({
      where: { projectId },
      orderBy: { createdAt: 'desc' },
      take: 5,
      select: {
        id: true,
        kind: true,
        status: true,
        progress: true,
        epoch: true,
        totalEpochs: true,
        etaSeconds: true,
        error: true,
        resultModelVersion: { select: { version: true } },
      },
    }),
    db.job.findMany({
      where: { projectId, status: { in: ['QUEUED', 'RUNNING'] } },
      select: { id: true, type: true, status: true, attempts: true },
    }),
  ]);
  const lines = [
    `project ${project.slug}: active model v${project.activeModelVersion?.version ?? '-'}; auto-train ${project.autoTrain ? 'on' : 'off'} (fine-tune every ${project.finetuneMinNewMasks} masks, MAE every ${project.pretrainMinNewImages} images)`,
    'versions:',
    ...versions.map(
      (v) =>
        `  v${v.version} ${v.status.padEnd(9)} dice ${fixed(v.valDice, 4)} NoC@90 ${fixed(v.valNoc90, 2)} labels ${v.trainLabelCount}${v.statusReason ? ` - ${v.statusReason}` : ''}`,
    ),
    'runs:',
    ...runs.map(
      (r) =>
        `  ${r.id} ${r.kind} ${r.status} ${(r.progress * 100).toFixed(0)}% epoch ${r.epoch}/${r.totalEpochs}${r.etaSeconds ? ` eta ${Math.round(r.etaSeconds)}s` : ''}${r.resultModelVersion ? ` -> v${r.resultModelVersion.version}` : ''}${r.error ? ` error: ${r.error}` : ''}`,
    ),
    `pending jobs: ${jobs.length === 0 ? 'none' : jobs.map((j) => `${j.type} (${j.status}, attempt ${j.attempts})`).join(', ')}`,
  ];
  return lines.join('\n');
}
