/**
 * Evaluates the active model and the candidate on the same held-out samples in the same run, and
 * promotes the candidate only if it passes the acceptance-Dice gate (acceptance-dice.ts). The
 * plain Dice gate's verdict (decide-promotion.ts) is still worked out and recorded beside it. Promotion is the db
 * lib's single transaction, which also notifies web servers so open browsers hot-swap. A candidate
 * that does not pass stays CANDIDATE with the reason recorded.
 * Where the project has held-out volumes (data/load-validation-volumes.ts), both models are also
 * measured propagating through them (`propagation` on each side's metrics), and the gate uses it.
 */
import { join } from 'node:path';
import { promoteModelVersion, type ModelVersion, type Prisma } from '@loupe/db';
import { materializeModelFiles } from '../artifacts/materialize-model-files';
import { removeSpecks } from '../data/remove-specks';
import type {
  EvaluationMetrics,
  PropagationVolumeSample,
  TrainingSample,
} from '../model/model-port';
import type { TrainerServices } from '../trainer-services';
import { ACCEPTANCE_DICE_GATE, decideAcceptancePromotion } from './acceptance-dice';
import { decidePromotion, type PromotionDecision } from './decide-promotion';

export interface GateOutcome {
  active: EvaluationMetrics;
  candidate: EvaluationMetrics;
  decision: PromotionDecision;
  /** The gate that decided. */
  gate: typeof ACCEPTANCE_DICE_GATE;
  /** What the plain Dice gate (decide-promotion.ts) would have decided; reported, not used. */
  diceGate: PromotionDecision;
  promoted: boolean;
}

export async function evaluateAndGateCandidate(
  services: TrainerServices,
  input: {
    active: ModelVersion;
    candidate: ModelVersion;
    validation: readonly TrainingSample[];
    /** Held-out volumes (none: the gate is the 2-D one). */
    validationVolumes?: readonly PropagationVolumeSample[];
    maxNoc90Regression: number;
    workDir: string;
  },
): Promise<GateOutcome> {
  const { db, artifacts, model } = services;
  const activeFiles = await materializeModelFiles(
    artifacts,
    input.active,
    join(input.workDir, 'eval-active'),
  );
  const candidateFiles = await materializeModelFiles(
    artifacts,
    input.candidate,
    join(input.workDir, 'eval-candidate'),
  );
  const targets = input.validation.map((sample) => ({
    ...sample,
    mask: removeSpecks(sample.mask),
  }));
  const active: EvaluationMetrics = await model.evaluate(activeFiles, targets);
  const candidate: EvaluationMetrics = await model.evaluate(candidateFiles, targets);
  const volumes = input.validationVolumes ?? [];
  if (volumes.length > 0) {
    active.propagation = await model.evaluatePropagation(activeFiles, volumes);
    candidate.propagation = await model.evaluatePropagation(candidateFiles, volumes);
  }
  const decision = decideAcceptancePromotion(candidate, active, input.maxNoc90Regression);
  const diceGate = decidePromotion(candidate, active, input.maxNoc90Regression);
  const propagationLog = (m: EvaluationMetrics) =>
    m.propagation?.volumeDice != null
      ? ` propagation ${m.propagation.volumeDice.toFixed(4)} (${m.propagation.objects} objects)`
      : '';
  services.log(
    `candidate v${input.candidate.version}: Dice ${candidate.dice.toFixed(4)} acceptance ${candidate.acceptanceDice.toFixed(4)} NoC@90 ${candidate.noc90.toFixed(2)}${propagationLog(candidate)} vs active v${input.active.version}: Dice ${active.dice.toFixed(4)} acceptance ${active.acceptanceDice.toFixed(4)} NoC@90 ${active.noc90.toFixed(2)}${propagationLog(active)} -> ${decision.promote ? 'promote' : 'keep'} (${decision.reason}; the Dice gate would ${diceGate.promote ? 'promote' : 'keep'})`,
  );
  await db.modelVersion.update({
    where: { id: input.candidate.id },
    data: {
      metrics: {
        ...candidate,
        comparedWith: { modelVersionId: input.active.id, ...active },
        gate: ACCEPTANCE_DICE_GATE,
        diceGate,
      } as unknown as Prisma.InputJsonValue,
      valDice: candidate.dice,
      valNoc90: candidate.noc90,
      statusReason: decision.promote ? null : decision.reason,
    },
  });
  if (decision.promote) await promoteModelVersion(db, input.candidate.id);
  return {
    active,
    candidate,
    decision,
    gate: ACCEPTANCE_DICE_GATE,
    diceGate,
    promoted: decision.promote,
  };
}
