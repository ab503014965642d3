import { Suspense } from 'react';
import { AnnotateWorkspace } from '../../../../../components/annotate/annotate-workspace';

export default async function AnnotatePage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  return (
    <Suspense>
      <AnnotateWorkspace projectId={projectId} />
    </Suspense>
  );
}
