export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    readonly step: number,
    readonly value: number,
    /** Step of the last checkpoint written before the bad step, or null if none was. */
    readonly lastGoodCheckpointStep: number | null,
  ) {
    super(
      `loss became ${value} at step ${step}; stopped before updating the weights${lastGoodCheckpointStep === null ? '' : ` (last good checkpoint: step ${lastGoodCheckpointStep})`}`,
    );
  }
}
