/**
 * Runs async jobs one at a time, in order. The worker puts every session.run and the model swap
 * through one queue, so a prediction runs entirely on the model that was current when it started.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    // Keep the chain alive whether the job fails or not; callers see the failure via `result`.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
