/**
 * What every contract parser throws: bytes that crossed a process did not match their contract.
 * The message names the contract and each offending field, so the receiving side can show it or
 * record it as it is.
 */
import type { z } from 'zod';

export class ContractError extends Error {
  override name = 'ContractError';
  constructor(
    /** What was being read, e.g. "job c1x2 (finetune)" or "model-events 'model' event". */
    readonly contract: string,
    /** One line per problem: "field.path: what is wrong". */
    readonly issues: readonly string[],
  ) {
    super(`${contract} is malformed: ${issues.join('; ')}`);
  }
}

export function isContractError(error: unknown): error is ContractError {
  return error instanceof ContractError;
}

/** `schema.parse` that throws a ContractError naming `contract` and every bad field. */
export function parseContract<S extends z.ZodType>(
  schema: S,
  value: unknown,
  contract: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ContractError(
    contract,
    result.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
    ),
  );
}
