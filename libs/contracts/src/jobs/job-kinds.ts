/**
 * Job kinds (Job.type): what the trainer runs. The web enqueues the training kinds when an admin
 * asks; the trainer's policy and the trainer itself enqueue every kind.
 */
export const JOB_KINDS = ['finetune', 'pretrain', 'evaluate', 'score'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Kinds that train a candidate (fine-tuning; MAE pretraining then fine-tuning). */
export const TRAINING_JOB_KINDS = ['finetune', 'pretrain'] as const satisfies readonly JobKind[];
export type TrainingJobKind = (typeof TRAINING_JOB_KINDS)[number];

/** Who asked for a training round (TrainingRun.trigger). */
export const JOB_TRIGGERS = ['auto', 'manual', 'cli'] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];
