/** Shared by specs: the training backend (wasm here) selected once, quietly. */
import { selectTrainingBackend } from './backend';

export async function useTrainingBackend(): Promise<void> {
  await selectTrainingBackend({ log: () => undefined });
}
