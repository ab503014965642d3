import { Suspense } from 'react';
import { parseAnnotateMode } from '../../../../../components/annotate/annotate-modes';
import { AnnotateWorkspace } from '../../../../../components/annotate/annotate-workspace';
import { BoxModeWorkspace } from '../../../../../components/annotate/box-mode-workspace';
import { TagModeWorkspace } from '../../../../../components/annotate/tag-mode-workspace';

/** `?mode=tag` / `?mode=box`: the fast label modes; otherwise mask mode. */
export default async function AnnotatePage({
  params,
  searchParams,
}: {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<{ mode?: string | string[] }>;
}) {
  const { projectId } = await params;
  const { mode: raw } = await searchParams;
  const mode = parseAnnotateMode(Array.isArray(raw) ? raw[0] : raw);
  return (
    <Suspense>
      {mode === 'tag' ? (
        <TagModeWorkspace key="tag" projectId={projectId} />
      ) : mode === 'box' ? (
        <BoxModeWorkspace key="box" projectId={projectId} />
      ) : (
        <AnnotateWorkspace key="mask" projectId={projectId} />
      )}
    </Suspense>
  );
}
