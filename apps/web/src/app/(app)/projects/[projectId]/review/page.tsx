import { ReviewWorkspace } from '../../../../../components/review/review-workspace';

export default async function ReviewPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  return <ReviewWorkspace projectId={projectId} />;
}
