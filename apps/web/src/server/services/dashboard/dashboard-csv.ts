/**
 * The dashboard's tables as CSV, one file per table (the CSV route serves them as
 * /api/projects/<id>/dashboard.csv?table=<name>).
 */
import type { EfficiencyStats } from './get-mask-efficiency';
import type { DashboardData } from './load-dashboard';
import { toCsv, type CsvColumn } from './to-csv';

export const DASHBOARD_CSV_TABLES = [
  'efficiency-by-model-version',
  'efficiency-by-label-count',
  'annotators',
  'model-versions',
  'pretrain-runs',
  'training-runs',
  'queue',
  'lease-holders',
  'priority-queue',
] as const;
export type DashboardCsvTable = (typeof DASHBOARD_CSV_TABLES)[number];

function statColumns<Row extends EfficiencyStats>(): CsvColumn<Row>[] {
  return [
    { header: 'masks', value: (r) => r.masks },
    { header: 'active_seconds', value: (r) => r.activeSeconds },
    { header: 'seconds_per_mask', value: (r) => r.secondsPerMask },
    { header: 'prompts_per_mask', value: (r) => r.promptsPerMask },
    { header: 'corrections_per_mask', value: (r) => r.correctionsPerMask },
    { header: 'accepted_without_edit_share', value: (r) => r.acceptedWithoutEditShare },
    { header: 'mean_proposal_dice', value: (r) => r.meanProposalDice },
    { header: 'mean_proposal_iou', value: (r) => r.meanProposalIou },
    { header: 'masks_per_annotator_hour', value: (r) => r.masksPerAnnotatorHour },
  ];
}

export function dashboardCsv(data: DashboardData, table: DashboardCsvTable): string {
  switch (table) {
    case 'efficiency-by-model-version':
      return toCsv(
        [
          { header: 'model_version', value: (r) => r.version },
          { header: 'model_version_id', value: (r) => r.modelVersionId },
          ...statColumns<DashboardData['efficiency']['byModelVersion'][number]>(),
        ],
        data.efficiency.byModelVersion,
      );
    case 'efficiency-by-label-count':
      return toCsv(
        [
          { header: 'first_label', value: (r) => r.firstLabel },
          { header: 'last_label', value: (r) => r.lastLabel },
          ...statColumns<DashboardData['efficiency']['byLabelCount'][number]>(),
        ],
        data.efficiency.byLabelCount,
      );
    case 'annotators':
      return toCsv(
        [
          { header: 'user_id', value: (r) => r.userId },
          { header: 'name', value: (r) => r.name },
          { header: 'email', value: (r) => r.email },
          ...statColumns<DashboardData['annotators'][number]>(),
          { header: 'edit_rate', value: (r) => r.editRate },
          { header: 'reviews', value: (r) => r.reviews },
          { header: 'approved', value: (r) => r.approved },
          { header: 'sent_back', value: (r) => r.sentBack },
        ],
        data.annotators,
      );
    case 'model-versions':
      return toCsv(
        [
          { header: 'version', value: (r) => r.version },
          { header: 'id', value: (r) => r.id },
          { header: 'status', value: (r) => r.status },
          { header: 'active', value: (r) => r.isActive },
          { header: 'val_dice', value: (r) => r.valDice },
          { header: 'val_noc90', value: (r) => r.valNoc90 },
          { header: 'train_label_count', value: (r) => r.trainLabelCount },
          { header: 'parent_version', value: (r) => r.parentVersion },
          { header: 'produced_by', value: (r) => r.producedByKind },
          { header: 'created_at', value: (r) => r.createdAt },
          { header: 'promoted_at', value: (r) => r.promotedAt },
          { header: 'retired_at', value: (r) => r.retiredAt },
          { header: 'labels_at_promotion', value: (r) => r.labelsAtPromotion },
          { header: 'status_reason', value: (r) => r.statusReason },
        ],
        data.modelVersions,
      );
    case 'pretrain-runs':
      return toCsv(
        [
          { header: 'run_id', value: (r) => r.runId },
          { header: 'status', value: (r) => r.status },
          { header: 'image_count', value: (r) => r.imageCount },
          { header: 'created_at', value: (r) => r.createdAt },
          { header: 'finished_at', value: (r) => r.finishedAt },
          { header: 'train_labels_at_run', value: (r) => r.trainLabelsAtRun },
        ],
        data.pretrainMarkers,
      );
    case 'training-runs':
      return toCsv(
        [
          { header: 'id', value: (r) => r.id },
          { header: 'kind', value: (r) => r.kind },
          { header: 'status', value: (r) => r.status },
          { header: 'trigger', value: (r) => r.trigger },
          { header: 'requested_by', value: (r) => r.requestedByName },
          { header: 'progress', value: (r) => r.progress },
          { header: 'step', value: (r) => r.step },
          { header: 'total_steps', value: (r) => r.totalSteps },
          { header: 'epoch', value: (r) => r.epoch },
          { header: 'total_epochs', value: (r) => r.totalEpochs },
          { header: 'train_labels', value: (r) => r.trainLabelCount },
          { header: 'val_labels', value: (r) => r.valLabelCount },
          { header: 'images', value: (r) => r.imageCount },
          { header: 'created_at', value: (r) => r.createdAt },
          { header: 'started_at', value: (r) => r.startedAt },
          { header: 'finished_at', value: (r) => r.finishedAt },
          { header: 'duration_seconds', value: (r) => r.durationSeconds },
          { header: 'base_version', value: (r) => r.baseVersion },
          { header: 'result_version', value: (r) => r.resultVersion },
          { header: 'result_status', value: (r) => r.resultStatus },
          { header: 'result_val_dice', value: (r) => r.resultValDice },
          { header: 'result_val_noc90', value: (r) => r.resultValNoc90 },
          { header: 'last_loss', value: (r) => r.loss.at(-1)?.loss },
          { header: 'not_promoted_reason', value: (r) => r.resultStatusReason },
          { header: 'error', value: (r) => r.error },
          { header: 'human_masks', value: (r) => r.humanMaskCount },
          { header: 'pseudo_box', value: (r) => r.pseudoBoxCount },
          { header: 'pseudo_tag', value: (r) => r.pseudoTagCount },
          { header: 'pseudo_self_training', value: (r) => r.pseudoSelfTrainingCount },
          { header: 'pseudo_box_waiting', value: (r) => r.pseudoBoxWaiting },
          { header: 'box_rule_dice', value: (r) => r.pseudoBoxCheck?.dice ?? null },
          { header: 'pseudo_box_supervised', value: (r) => r.pseudoBoxSupervised },
        ],
        data.trainingRuns,
      );
    case 'queue':
      return toCsv(
        [
          { header: 'status', value: (r) => r[0] },
          { header: 'tasks', value: (r) => r[1] },
        ],
        Object.entries(data.queue.byStatus),
      );
    case 'lease-holders':
      return toCsv(
        [
          { header: 'user_id', value: (r) => r.userId },
          { header: 'name', value: (r) => r.name },
          { header: 'email', value: (r) => r.email },
          { header: 'tasks', value: (r) => r.tasks },
          { header: 'first_expires_at', value: (r) => r.firstExpiresAt },
          { header: 'last_expires_at', value: (r) => r.lastExpiresAt },
        ],
        data.leaseHolders,
      );
    case 'priority-queue':
      return toCsv(
        [
          { header: 'task_id', value: (r) => r.taskId },
          { header: 'image_id', value: (r) => r.imageId },
          { header: 'file_name', value: (r) => r.fileName },
          { header: 'priority', value: (r) => r.priority },
        ],
        data.priorityQueue,
      );
  }
}
