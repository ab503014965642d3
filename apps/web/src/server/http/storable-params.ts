/** Route handler path parameters, refused as bad input (400) when the database could not store them. */
import { AppError } from '../errors/app-error';
import { findUnsafeText, unsafeTextMessage } from './find-unsafe-text';

export async function storableParams<T extends Record<string, string>>(
  params: Promise<T>,
): Promise<T> {
  const values = await params;
  const found = findUnsafeText(values);
  if (found) throw new AppError('BAD_INPUT', unsafeTextMessage(found), { field: found.path });
  return values;
}
