/**
 * A training job (fine-tuning round, or MAE pretraining followed by fine-tuning) from claim to
 * outcome: the run record, the data (fixed splits, accepted masks, confident pseudo-masks),
 * training from the active model, export + registration, the promotion gate on the held-out set,
 * and, after a promotion, an active-learning scoring job. On any failure the run records the
 * reason and the active model is untouched (only promoteModelVersion changes it).
 */
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  enqueueJob,
  ensureStarterModel,
  getActiveModel,
  type ModelVersion,
  type Prisma,
} from '@loupe/db';
import type { TrainingJobKind } from '@loupe/contracts';
import { TRAINER_CONFIGS } from '../config/trainer-config';
import { assignImageSplits } from '../data/assign-image-splits';
import { loadLabeledSamples } from '../data/load-labeled-samples';
import { loadUnlabeledPool } from '../data/load-unlabeled-pool';
import { loadValidationVolumes } from '../data/load-validation-volumes';
import { TrainerError, describeFailure, isTrainerError } from '../errors';
import { evaluateAndGateCandidate } from '../promotion/evaluate-and-gate-candidate';
import type { JobContext } from '../queue/process-next-job';
import type { TrainerServices } from '../trainer-services';
import { loadPseudoLabeledSamples } from '../weak-labels/load-pseudo-labeled-samples';
import { beginTrainingRun } from './begin-training-run';
import {
  DEFAULT_REPLAY_SCHEDULE,
  planRoundSamples,
  type RoundSamplePlanRecord,
} from '../policy/plan-round-samples';
import { requireProjectId } from './require-project-id';
import { markRunSucceeded, recordRunFailure } from './record-run-outcome';
import { runSeed } from './run-seed';
import { trainCandidate } from './train-candidate';

export interface TrainingJobResult {
  runId: string;
  candidate: ModelVersion | null;
  promoted: boolean;
  reason: string;
}

export async function runTrainingJob(
  services: TrainerServices,
  context: JobContext<TrainingJobKind>,
  kind: 'FINETUNE' | 'MAE_PRETRAIN',
): Promise<TrainingJobResult> {
  const { db, env } = services;
  const { job } = context;
  const { payload } = job;
  const projectId = requireProjectId(job);
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: {
      slug: true,
      finetuneEpochs: true,
      holdoutFraction: true,
      promotionMaxNoc90Regression: true,
      pseudoLabelMinConfidence: true,
    },
  });
  if (!project) throw new TrainerError('NOT_FOUND', `project ${projectId} does not exist`);
  const trainerConfig = TRAINER_CONFIGS[env.TRAINER_CONFIG];
  const epochs = payload.epochs ?? project.finetuneEpochs;
  const run = await beginTrainingRun(db, job, payload, kind, projectId, epochs);
  // One scratch folder per run: a retry after a crash clears what the dead attempt left there.
  const workDir = join(tmpdir(), `loupe-run-${run.id}`);
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  try {
    const activeAtStart = await ensureStarterModel(
      db,
      services.artifacts,
      projectId,
      env.STARTER_MODEL_DIR,
    );
    if (!run.resumed)
      await db.trainingRun.update({
        where: { id: run.id },
        data: { baseModelVersionId: activeAtStart.id },
      });

    await assignImageSplits(db, projectId, project.holdoutFraction);
    // New masks are those the base model's own round could not have seen.
    const baseRun = await db.trainingRun.findUnique({
      where: { resultModelVersionId: activeAtStart.id },
      select: { createdAt: true },
    });
    const planned: { record?: RoundSamplePlanRecord } = {};
    const labeled = await loadLabeledSamples(db, services.blobs, projectId, {
      selectTrain: (rows) => {
        const plan = planRoundSamples(rows, {
          newSince: baseRun?.createdAt ?? null,
          seed: runSeed(run.id),
          schedule: DEFAULT_REPLAY_SCHEDULE,
        });
        planned.record = plan.record;
        return plan.selected;
      },
    });
    const sample = planned.record;
    const pseudo = await loadPseudoLabeledSamples(services, {
      projectId,
      active: activeAtStart,
      minConfidence: project.pseudoLabelMinConfidence,
      limit: trainerConfig.maxPseudoLabels,
      workDir,
      selfTraining: trainerConfig.selfTraining,
      boxRuleCheck: {
        policy: trainerConfig.boxRule,
        humanMasks: labeled.validation,
        untrusted: trainerConfig.untrustedBoxes,
      },
    });
    if (pseudo.boxRule) services.log(pseudo.boxRule.reason);
    if (pseudo.boxSupervised > 0)
      services.log(`${pseudo.boxSupervised} box(es) train as boxes (box-supervised loss)`);
    const boxesWaiting =
      pseudo.boxRule && !pseudo.boxRule.trusted ? pseudo.boxesConsidered - pseudo.boxSupervised : 0;
    const train = [...labeled.train, ...pseudo.samples];
    const pool =
      kind === 'MAE_PRETRAIN'
        ? await loadUnlabeledPool(db, services.blobs, projectId, trainerConfig.pretrainMaxImages)
        : [];
    await db.trainingRun.update({
      where: { id: run.id },
      data: {
        trainLabelCount: train.length,
        humanMaskCount: labeled.train.length,
        newMaskCount: sample?.newUsed ?? labeled.train.length,
        replayMaskCount: sample?.replayUsed ?? 0,
        ...(sample ? { sampleSchedule: sample as unknown as Prisma.InputJsonValue } : {}),
        pseudoBoxCount: pseudo.usedBySource.BOX,
        pseudoTagCount: pseudo.usedBySource.TAG,
        pseudoSelfTrainingCount: pseudo.usedBySource.SELF_TRAINING,
        pseudoBoxWaiting: boxesWaiting,
        pseudoBoxSupervised: pseudo.boxSupervised,
        ...(pseudo.boxRule
          ? { pseudoBoxCheck: pseudo.boxRule as unknown as Prisma.InputJsonValue }
          : {}),
        valLabelCount: labeled.validation.length,
        // An unlabeled image can be both in the pool and a weak or self-training sample.
        imageCount: new Set([...train.map((s) => s.imageId), ...pool.map((p) => p.imageId)]).size,
      },
    });
    services.log(
      `run ${run.id} (${kind}): ${labeled.train.length} accepted (${sample ? `${sample.newUsed}/${sample.newAvailable} new + ${sample.replayUsed}/${sample.earlierAvailable} replayed` : 'all'}) + ${pseudo.used}/${pseudo.considered} pseudo-labels for training, ${labeled.validation.length} held out${pool.length ? `, ${pool.length} pool images` : ''}`,
    );
    if (train.length === 0)
      throw new TrainerError('NO_TRAINING_DATA', 'no accepted masks in the training split yet');
    if (labeled.validation.length === 0)
      throw new TrainerError(
        'NO_VALIDATION_DATA',
        'no held-out masks to evaluate a candidate on yet',
      );

    let candidate: ModelVersion | null = null;
    if (run.resultModelVersionId) {
      // An earlier attempt registered the candidate and died before the gate: gate it now.
      candidate = await db.modelVersion.findUnique({ where: { id: run.resultModelVersionId } });
    }
    candidate ??= await trainCandidate(services, {
      projectId,
      projectSlug: project.slug,
      run,
      active: activeAtStart,
      samples: train,
      epochs,
      freezeEncoder: trainerConfig.freezeEncoder,
      levers: trainerConfig.fineTuneLevers,
      batchSize: trainerConfig.batchSize,
      // A bounded round trains at the schedule's fraction of the rate (plan-round-samples.ts).
      learningRate: trainerConfig.learningRate * (sample?.learningRateScale ?? 1),
      signal: context.signal,
      workDir,
      ...(kind === 'MAE_PRETRAIN'
        ? { pretrain: { images: pool, epochs: trainerConfig.pretrainEpochs } }
        : {}),
    });

    // Compare with whatever is active now (an admin may have rolled back meanwhile).
    const active = (await getActiveModel(db, projectId)) ?? activeAtStart;
    const validationVolumes = await loadValidationVolumes(db, services.blobs, projectId);
    const gate = await evaluateAndGateCandidate(services, {
      active,
      candidate,
      validation: labeled.validation,
      validationVolumes,
      maxNoc90Regression: project.promotionMaxNoc90Regression,
      workDir,
    });
    if (gate.promoted)
      await enqueueJob(db, { projectId, type: 'score', payload: { modelVersionId: candidate.id } });
    await markRunSucceeded(db, run.id, {
      candidate: { modelVersionId: candidate.id, version: candidate.version, ...gate.candidate },
      active: { modelVersionId: active.id, version: active.version, ...gate.active },
      promoted: gate.promoted,
      reason: gate.decision.reason,
      gate: gate.gate,
      diceGate: gate.diceGate,
      pseudoLabels: {
        considered: pseudo.considered,
        used: pseudo.used,
        usedBySource: pseudo.usedBySource,
      },
    } as unknown as Prisma.InputJsonValue);
    return { runId: run.id, candidate, promoted: gate.promoted, reason: gate.decision.reason };
  } catch (error) {
    if (!(isTrainerError(error) && error.code === 'LOST_LEASE')) {
      const permanent = isTrainerError(error) && error.permanent;
      const willRetry = !permanent && job.attempts < job.maxAttempts;
      await recordRunFailure(db, run.id, describeFailure(error), willRetry);
    }
    throw error;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
