/**
 * The model a project serves, as the browser's inference worker needs it: the web server writes
 * it (models.active, the model-events stream), the page and the bench's subscribed browser read it.
 */
import { z } from 'zod';

export const modelRefSchema = z.object({
  modelVersionId: z.string().min(1),
  /** Project-level version number (ModelVersion.version, 1 = the starter). */
  version: z.number().int().positive(),
  /** sha256 of manifest.json as registered; the worker checks the downloaded manifest against it. */
  manifestSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256')
    .nullable(),
  /** Base URL of the files: `${baseUrl}/manifest.json` etc. */
  baseUrl: z.string().min(1),
});
export type ModelRef = z.output<typeof modelRefSchema>;
