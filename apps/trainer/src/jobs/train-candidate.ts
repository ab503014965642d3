/**
 * One training round up to a registered CANDIDATE: load the base weights, train with progress and
 * a checkpoint after every epoch (stored content-addressed and recorded on the run, so a killed
 * trainer resumes from it), export ONNX, and register the export as a new ModelVersion.
 * Nothing here changes which model is active.
 */
import { join } from 'node:path';
import type { ModelVersion } from '@loupe/db';
import { registerModelVersion } from '@loupe/db';
import { verifyExportedModel } from '../artifacts/verify-exported-model';
import { TrainerError } from '../errors';
import { loadBaseModel } from '../model/load-base-model';
import type { FineTuneLevers, TrainingSample } from '../model/model-port';
import type { TrainerServices } from '../trainer-services';
import type { BegunRun } from './begin-training-run';
import { createRunProgress } from './create-run-progress';
import { runSeed } from './run-seed';

export interface TrainCandidateInput {
  projectId: string;
  projectSlug: string;
  run: BegunRun;
  active: ModelVersion;
  samples: TrainingSample[];
  epochs: number;
  freezeEncoder: boolean;
  levers?: FineTuneLevers;
  batchSize: number;
  learningRate: number;
  signal: AbortSignal;
  workDir: string;
  /** MAE pretraining first (pretrain jobs): the unlabeled pool and its epochs. */
  pretrain?: { images: TrainingSample['image'][]; epochs: number };
}

export async function trainCandidate(
  services: TrainerServices,
  input: TrainCandidateInput,
): Promise<ModelVersion> {
  const { db, artifacts, model: port, env } = services;
  const { run, active } = input;
  const seed = runSeed(run.id);
  const base = await loadBaseModel(
    port,
    artifacts,
    {
      runCheckpointKey: run.checkpointKey,
      active,
      starterDir: env.STARTER_MODEL_DIR,
      fallbackConfigName: port.configName(env.TRAINER_CONFIG),
      seed,
    },
    input.workDir,
  );
  services.log(
    `run ${run.id}: starting from ${base.from}${run.epochsDone > 0 ? ` (epoch ${run.epochsDone}/${input.epochs} done)` : ''}`,
  );
  const model = base.model;
  try {
    const shouldStop = () => input.signal.aborted;
    const saveEpochCheckpoint = async (epoch: number, phase: string) => {
      const file = join(input.workDir, `epoch-${phase}-${epoch}.safetensors`);
      await port.saveCheckpoint(model, file, { runId: run.id, epoch, phase });
      const stored = await artifacts.putFile(file, { ext: '.safetensors' });
      await db.trainingRun.update({
        where: { id: run.id },
        data: { checkpointKey: stored.key, epoch: epoch + 1, heartbeatAt: new Date() },
      });
    };

    // Pretraining is not resumable mid-way in this version: a retry repeats it (it is short).
    if (input.pretrain && run.epochsDone === 0) {
      const { progress, console: bar } = createRunProgress(db, run.id, {
        label: 'mae',
        console: services.console,
        intervalMs: env.TRAINER_PROGRESS_INTERVAL_MS,
        startStep: 0,
        previousHistory: [],
      });
      await port.pretrainMae({
        model,
        images: input.pretrain.images,
        epochs: input.pretrain.epochs,
        startEpoch: 0,
        seed,
        onProgress: (step) => progress.record(step),
        onEpochEnd: async () => {},
        shouldStop,
      });
      bar.finish();
      if (shouldStop()) throw input.signal.reason;
    }

    if (run.epochsDone < input.epochs) {
      const stepsPerEpoch = Math.ceil(input.samples.length / input.batchSize);
      const { progress, console: bar } = createRunProgress(db, run.id, {
        label: 'finetune',
        console: services.console,
        intervalMs: env.TRAINER_PROGRESS_INTERVAL_MS,
        startStep: run.epochsDone * stepsPerEpoch,
        previousHistory: run.lossHistory,
      });
      await port.fineTune({
        model,
        samples: input.samples,
        epochs: input.epochs,
        startEpoch: run.epochsDone,
        freezeEncoder: input.freezeEncoder,
        ...(input.levers ? { levers: input.levers } : {}),
        batchSize: input.batchSize,
        learningRate: input.learningRate,
        seed,
        onProgress: (step) => progress.record(step),
        onEpochEnd: (epoch) => saveEpochCheckpoint(epoch, 'finetune'),
        shouldStop,
      });
      bar.finish();
      if (shouldStop())
        throw input.signal.reason ?? new TrainerError('SHUTDOWN', 'training was stopped');
    }

    const exportDir = join(input.workDir, 'export');
    const files = await port.exportOnnx(model, exportDir, {
      version: `${input.projectSlug}-run-${run.id}`,
      training: {
        runId: run.id,
        baseModelVersionId: active.id,
        trainLabelCount: input.samples.length,
        epochs: input.epochs,
        ...(input.levers ? { fineTuneLevers: input.levers } : {}),
      },
    });
    const exported = await verifyExportedModel(files);
    const checkpointPath = join(input.workDir, 'final.safetensors');
    await port.saveCheckpoint(
      model,
      checkpointPath,
      { runId: run.id, final: true },
      { weightsOnly: true },
    );
    const candidate = await registerModelVersion(db, artifacts, {
      projectId: input.projectId,
      dir: files.dir,
      status: 'CANDIDATE',
      parentId: active.id,
      configName: model.configName,
      checkpointPath,
      trainLabelCount: input.samples.length,
      statusReason: 'awaiting evaluation',
    });
    try {
      await verifyStoredModel(services, candidate, exported);
    } catch (error) {
      // Never leave a candidate with bad files promotable.
      await db.modelVersion.update({
        where: { id: candidate.id },
        data: { status: 'FAILED', statusReason: (error as Error).message },
      });
      throw error;
    }
    await db.trainingRun.update({
      where: { id: run.id },
      data: { resultModelVersionId: candidate.id },
    });
    return candidate;
  } finally {
    model.dispose();
  }
}

/** An artifact is used only once every stored file hashes to what the registry recorded. */
async function verifyStoredModel(
  services: TrainerServices,
  version: ModelVersion,
  exported: { encoderSha256: string; decoderSha256: string },
): Promise<void> {
  if (
    version.encoderSha256 !== exported.encoderSha256 ||
    version.decoderSha256 !== exported.decoderSha256
  ) {
    throw new TrainerError(
      'ARTIFACT_CORRUPT',
      `model version ${version.version}: stored files differ from the export`,
    );
  }
  const pairs: [string | null, string | null][] = [
    [version.manifestKey, version.manifestSha256],
    [version.encoderKey, version.encoderSha256],
    [version.decoderKey, version.decoderSha256],
  ];
  for (const [key, sha] of pairs) {
    if (!key || !sha || !(await services.artifacts.verify(key, sha))) {
      throw new TrainerError(
        'ARTIFACT_CORRUPT',
        `model version ${version.version}: stored file ${key ?? '(none)'} failed verification`,
      );
    }
  }
}
