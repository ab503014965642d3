'use client';
/**
 * Drag-and-drop / file-picker upload. One XHR per file to POST /api/projects/[id]/images so each
 * file shows its own upload progress; refused files show the server's reason.
 */
import { useCallback, useRef, useState, type DragEvent } from 'react';

interface UploadItem {
  id: number;
  name: string;
  size: number;
  progress: number;
  state: 'queued' | 'uploading' | 'processing' | 'done' | 'refused';
  message: string;
}

function uploadOne(
  projectId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<{ ok: boolean; message: string }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/projects/${projectId}/images`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { images?: unknown[]; error?: { message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        body = { error: { message: `HTTP ${xhr.status}` } };
      }
      if (xhr.status === 201) {
        const n = body.images?.length ?? 0;
        resolve({ ok: true, message: n > 1 ? `${n} slices added` : 'added' });
      } else resolve({ ok: false, message: body.error?.message ?? `HTTP ${xhr.status}` });
    };
    xhr.onerror = () => resolve({ ok: false, message: 'network error' });
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

export function ImageUploader({
  projectId,
  onUploaded,
}: {
  projectId: string;
  onUploaded: () => void;
}) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const nextId = useRef(1);
  const input = useRef<HTMLInputElement>(null);

  const update = (id: number, patch: Partial<UploadItem>) =>
    setItems((all) => all.map((it) => (it.id === id ? { ...it, ...patch } : it)));

  const uploadFiles = useCallback(
    async (files: File[]) => {
      const queued = files.map((f) => ({
        id: nextId.current++,
        name: f.name,
        size: f.size,
        progress: 0,
        state: 'queued' as const,
        message: '',
        file: f,
      }));
      setItems((all) => [...queued.map(({ file: _file, ...it }) => it), ...all].slice(0, 50));
      for (const item of queued) {
        update(item.id, { state: 'uploading' });
        const result = await uploadOne(projectId, item.file, (p) =>
          update(item.id, { progress: p, state: p >= 1 ? 'processing' : 'uploading' }),
        );
        update(item.id, {
          progress: 1,
          state: result.ok ? 'done' : 'refused',
          message: result.message,
        });
        if (result.ok) onUploaded();
      }
    },
    [projectId, onUploaded],
  );

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    void uploadFiles(Array.from(e.dataTransfer.files));
  }

  return (
    <div>
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        onClick={() => input.current?.click()}
        className={`flex cursor-pointer flex-col items-center justify-center rounded-xl border-2 border-dashed px-6 py-8 text-center transition ${
          dragging ? 'border-sky-400 bg-sky-950/30' : 'border-slate-700 hover:border-slate-500'
        }`}
      >
        <p className="text-sm text-slate-200">Drop images here or click to choose</p>
        <p className="mt-1 text-xs text-slate-500">
          PNG, JPEG, 8/16-bit TIFF, single-frame DICOM, NIfTI (.nii/.nii.gz) volumes
        </p>
        <input
          ref={input}
          type="file"
          multiple
          data-testid="upload-input"
          className="hidden"
          onChange={(e) => {
            void uploadFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
      </div>
      {items.length > 0 && (
        <ul className="mt-3 space-y-1.5" data-testid="upload-list">
          {items.map((it) => (
            <li
              key={it.id}
              className="rounded-md bg-slate-900 px-3 py-2 text-xs"
              data-state={it.state}
            >
              <div className="flex items-center justify-between gap-3">
                <span className="max-w-[45%] shrink-0 truncate text-slate-200" title={it.name}>
                  {it.name}
                </span>
                <span
                  className={`min-w-0 text-right ${
                    it.state === 'refused'
                      ? 'text-red-300'
                      : it.state === 'done'
                        ? 'text-emerald-300'
                        : 'text-slate-400'
                  }`}
                >
                  {it.state === 'uploading'
                    ? `${Math.round(it.progress * 100)}%`
                    : it.state === 'processing'
                      ? 'processing…'
                      : it.state === 'queued'
                        ? 'waiting'
                        : it.message}
                </span>
              </div>
              {(it.state === 'uploading' || it.state === 'processing') && (
                <div className="mt-1.5 h-1 overflow-hidden rounded bg-slate-800">
                  <div
                    className="h-full bg-sky-500 transition-all"
                    style={{ width: `${Math.round(it.progress * 100)}%` }}
                  />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
