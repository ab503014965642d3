/**
 * Which Annotation rows count as accepted training labels: not superseded by a re-annotation,
 * and not on a task a reviewer sent back or flagged.
 */
import type { Prisma } from '@loupe/db';

export function acceptedAnnotationWhere(projectId: string): Prisma.AnnotationWhereInput {
  return { projectId, supersededAt: null, task: { status: { notIn: ['SENT_BACK', 'FLAGGED'] } } };
}
