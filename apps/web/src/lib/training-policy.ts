/**
 * A project's training policy: when the trainer starts rounds, how it trains and how strict the
 * promotion gate is. One schema for the admin form (bounds, labels) and the server (validation).
 */
import { z } from 'zod';

interface PolicyField {
  label: string;
  help: string;
  min: number;
  max: number;
  step: number;
  integer: boolean;
}

export const TRAINING_POLICY_FIELDS = {
  finetuneMinNewMasks: {
    label: 'Fine-tune every',
    help: 'new accepted masks',
    min: 1,
    max: 10_000,
    step: 1,
    integer: true,
  },
  finetuneEpochs: {
    label: 'Epochs per round',
    help: 'passes over the training masks',
    min: 1,
    max: 100,
    step: 1,
    integer: true,
  },
  pretrainMinNewImages: {
    label: 'MAE pretraining every',
    help: 'new unlabelled images',
    min: 1,
    max: 1_000_000,
    step: 1,
    integer: true,
  },
  holdoutFraction: {
    label: 'Validation share',
    help: 'of newly labelled images held out to gate promotion',
    min: 0.05,
    max: 0.5,
    step: 0.01,
    integer: false,
  },
  promotionMaxNoc90Regression: {
    label: 'Allowed NoC@90 regression',
    help: 'clicks a candidate may lose against the active model (checked once 10 images are held out)',
    min: 0,
    max: 20,
    step: 0.1,
    integer: false,
  },
  pseudoLabelMinConfidence: {
    label: 'Weak-label confidence',
    help: 'minimum model confidence to train on a weak label',
    min: 0.5,
    max: 1,
    step: 0.01,
    integer: false,
  },
  leaseSeconds: {
    label: 'Image lease',
    help: 'seconds an annotator holds an image',
    min: 60,
    max: 86_400,
    step: 30,
    integer: true,
  },
} as const satisfies Record<string, PolicyField>;

export type TrainingPolicyField = keyof typeof TRAINING_POLICY_FIELDS;

function fieldSchema(field: PolicyField) {
  const number = field.integer ? z.number().int() : z.number().finite();
  return number.min(field.min).max(field.max);
}

const shape = Object.fromEntries(
  Object.entries(TRAINING_POLICY_FIELDS).map(([key, field]) => [key, fieldSchema(field)]),
) as {
  [K in TrainingPolicyField]: z.ZodNumber;
};

export const trainingPolicySchema = z.object({ autoTrain: z.boolean(), ...shape });
export type TrainingPolicy = z.infer<typeof trainingPolicySchema>;

/** Any subset of the policy; at least one field. */
export const trainingPolicyUpdateSchema = trainingPolicySchema
  .partial()
  .refine(
    (update) => Object.values(update).some((value) => value !== undefined),
    'change at least one setting',
  );
export type TrainingPolicyUpdate = z.infer<typeof trainingPolicyUpdateSchema>;
