'use client';
/**
 * Drag-and-drop / file-picker / folder upload. A single file is one XHR to
 * POST /api/projects/[id]/images; several files, a dropped folder or a zip go as one batch (so the
 * server can make one volume of a DICOM series), with progress per batch and per file (from the
 * byte offsets of the multipart body) and one result line per stored or refused group. While the
 * database is unavailable (503) an upload is sent again by itself, with the wait shown.
 */
import { useCallback, useRef, useState, type DragEvent } from 'react';
import { sendWithRetry, uploadRetryingMessage, type UploadAnswer } from './upload-retry';

interface Outcome {
  files: string[];
  ok: boolean;
  message: string;
}

interface UploadItem {
  id: number;
  name: string;
  size: number;
  progress: number;
  state: 'queued' | 'uploading' | 'processing' | 'retrying' | 'done' | 'refused' | 'partial';
  message: string;
  /** Batches: the files and how far each is sent, then the server's outcomes. */
  files?: { name: string; size: number; sent: number }[];
  outcomes?: Outcome[];
}

type FourD = 'series' | 'sequence';
/** Per-file progress is listed for small batches; larger ones show a count. */
const LIST_FILES_UP_TO = 12;

interface Named {
  file: File;
  /** Relative path for folder uploads, else the file name. */
  name: string;
}

/** Files of a dropped folder (recursively), keeping their relative paths. */
async function entryFiles(entry: FileSystemEntry, prefix = ''): Promise<Named[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    return [{ file, name: `${prefix}${entry.name}` }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries returns at most ~100 entries per call.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map((c) => entryFiles(c, `${prefix}${entry.name}/`)));
  return nested.flat();
}

/** DICOM (by "DICM" at byte 128, or a .dcm name) or a zip: sent together in one batch. */
async function batchable(file: File): Promise<boolean> {
  if (/\.(dcm|dicom|ima|zip)$/i.test(file.name)) return true;
  const head = new Uint8Array(await file.slice(0, 132).arrayBuffer());
  const text = String.fromCharCode(...head.subarray(128, 132));
  return (
    text === 'DICM' || (head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4)
  );
}

function post(
  projectId: string,
  files: Named[],
  fourD: FourD,
  onProgress: (loaded: number, total: number) => void,
): Promise<UploadAnswer> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/projects/${projectId}/images`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    };
    xhr.onload = () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        body = { error: { message: `HTTP ${xhr.status}` } };
      }
      const retryAfter = Number(xhr.getResponseHeader('Retry-After') ?? '');
      resolve({
        status: xhr.status,
        body,
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      });
    };
    xhr.onerror = () =>
      resolve({
        status: 0,
        body: { error: { message: 'network error' } },
        retryAfterSeconds: null,
      });
    const form = new FormData();
    form.append('fourD', fourD);
    for (const f of files) form.append('file', f.file, f.name);
    xhr.send(form);
  });
}

function errorMessage(body: Record<string, unknown>, status: number): string {
  const error = body['error'] as { message?: string } | undefined;
  return error?.message ?? `HTTP ${status}`;
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
  const [fourD, setFourD] = useState<FourD>('series');
  const nextId = useRef(1);
  const input = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const update = (id: number, patch: Partial<UploadItem>) =>
    setItems((all) => all.map((it) => (it.id === id ? { ...it, ...patch } : it)));

  const uploadSingle = useCallback(
    async (f: Named) => {
      const id = nextId.current++;
      setItems((all) =>
        [
          {
            id,
            name: f.name,
            size: f.file.size,
            progress: 0,
            state: 'uploading' as const,
            message: '',
          },
          ...all,
        ].slice(0, 50),
      );
      const { status, body } = await sendWithRetry(
        () =>
          post(projectId, [f], fourD, (loaded, total) =>
            update(id, {
              progress: loaded / total,
              state: loaded >= total ? 'processing' : 'uploading',
            }),
          ),
        (failures, delayMs) =>
          update(id, {
            progress: 0,
            state: 'retrying',
            message: uploadRetryingMessage(failures, delayMs),
          }),
      );
      if (status === 201) {
        const volumes = (body['volumes'] as { depth: number }[] | undefined) ?? [];
        const n = (body['images'] as unknown[] | undefined)?.length ?? 0;
        const message =
          volumes.length > 1
            ? `${volumes.length} volumes, ${n} slices added`
            : n > 1
              ? `${n} slices added`
              : 'added';
        update(id, { progress: 1, state: 'done', message });
        onUploaded();
      } else if (status === 200 && Array.isArray(body['outcomes'])) {
        // A zip: the server answers per group, like a batch.
        const outcomes = body['outcomes'] as Outcome[];
        const stored = outcomes.filter((o) => o.ok).length;
        update(id, {
          progress: 1,
          state: stored === outcomes.length ? 'done' : stored > 0 ? 'partial' : 'refused',
          message: `${stored} of ${outcomes.length} groups stored`,
          outcomes,
        });
        if (stored > 0) onUploaded();
      } else update(id, { progress: 1, state: 'refused', message: errorMessage(body, status) });
    },
    [projectId, fourD, onUploaded],
  );

  const uploadBatch = useCallback(
    async (files: Named[], label: string) => {
      const id = nextId.current++;
      const size = files.reduce((n, f) => n + f.file.size, 0);
      setItems((all) =>
        [
          {
            id,
            name: label,
            size,
            progress: 0,
            state: 'uploading' as const,
            message: '',
            files: files.map((f) => ({ name: f.name, size: f.file.size, sent: 0 })),
          },
          ...all,
        ].slice(0, 50),
      );
      const { status, body } = await sendWithRetry(
        () =>
          post(projectId, files, fourD, (loaded, total) => {
            // Parts go in order; multipart overhead is spread over the files by size.
            const scale = size / Math.max(1, total);
            let offset = 0;
            const sent = files.map((f) => {
              const done = Math.min(f.file.size, Math.max(0, loaded * scale - offset));
              offset += f.file.size;
              return { name: f.name, size: f.file.size, sent: done };
            });
            update(id, {
              progress: loaded / total,
              state: loaded >= total ? 'processing' : 'uploading',
              files: sent,
            });
          }),
        (failures, delayMs) =>
          update(id, {
            progress: 0,
            state: 'retrying',
            message: uploadRetryingMessage(failures, delayMs),
          }),
      );
      const outcomes = body['outcomes'] as Outcome[] | undefined;
      if (status === 200 && outcomes) {
        const stored = outcomes.filter((o) => o.ok).length;
        update(id, {
          progress: 1,
          state: stored === outcomes.length ? 'done' : stored > 0 ? 'partial' : 'refused',
          message: `${stored} of ${outcomes.length} groups stored`,
          outcomes,
        });
        if (stored > 0) onUploaded();
      } else update(id, { progress: 1, state: 'refused', message: errorMessage(body, status) });
    },
    [projectId, fourD, onUploaded],
  );

  const uploadFiles = useCallback(
    async (files: Named[], label?: string) => {
      if (files.length === 0) return;
      if (label) return uploadBatch(files, label);
      // DICOM files and zips of one pick go together (a series is one volume); others one by one.
      const grouped = await Promise.all(
        files.map(async (f) => ({ f, batch: await batchable(f.file) })),
      );
      const batch = grouped.filter((g) => g.batch).map((g) => g.f);
      if (batch.length === 1) await uploadSingle(batch[0]!);
      else if (batch.length > 1) await uploadBatch(batch, `${batch.length} DICOM/zip files`);
      for (const g of grouped) if (!g.batch) await uploadSingle(g.f);
    },
    [uploadSingle, uploadBatch],
  );

  async function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    const entries = Array.from(e.dataTransfer.items)
      .map((item) => item.webkitGetAsEntry?.())
      .filter((entry): entry is FileSystemEntry => !!entry);
    const folders = entries.filter((entry) => entry.isDirectory);
    if (folders.length > 0) {
      const files = (await Promise.all(entries.map((entry) => entryFiles(entry)))).flat();
      await uploadFiles(files, `${folders.map((f) => f.name).join(', ')} (${files.length} files)`);
      return;
    }
    await uploadFiles(Array.from(e.dataTransfer.files).map((file) => ({ file, name: file.name })));
  }

  const stateColour = (state: UploadItem['state']) =>
    state === 'refused'
      ? 'text-red-300'
      : state === 'done'
        ? 'text-emerald-300'
        : state === 'partial' || state === 'retrying'
          ? 'text-amber-300'
          : 'text-slate-400';

  return (
    <div>
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => void onDrop(e)}
        onClick={() => input.current?.click()}
        className={`flex cursor-pointer flex-col items-center justify-center rounded-xl border-2 border-dashed px-6 py-8 text-center transition ${
          dragging ? 'border-sky-400 bg-sky-950/30' : 'border-slate-700 hover:border-slate-500'
        }`}
      >
        <p className="text-sm text-slate-200">
          Drop images, folders or zips here, or click to choose
        </p>
        <p className="mt-1 text-xs text-slate-500">
          PNG, JPEG, 8/16-bit TIFF, DICOM (files, series, multi-frame; any common transfer syntax),
          NIfTI (.nii/.nii.gz, 3-D and 4-D). A DICOM series becomes one volume.
        </p>
        <input
          ref={input}
          type="file"
          multiple
          data-testid="upload-input"
          className="hidden"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []).map((file) => ({
              file,
              name: file.name,
            }));
            void uploadFiles(files);
            e.target.value = '';
          }}
        />
        <input
          ref={folderInput}
          type="file"
          multiple
          data-testid="upload-folder-input"
          className="hidden"
          {...({ webkitdirectory: '' } as Record<string, string>)}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []).map((file) => ({
              file,
              name: file.webkitRelativePath || file.name,
            }));
            const folder = files[0]?.name.split('/')[0] ?? 'folder';
            void uploadFiles(files, `${folder} (${files.length} files)`);
            e.target.value = '';
          }}
        />
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-3 text-xs text-slate-400">
        <button
          type="button"
          className="rounded-md border border-slate-700 px-2 py-1 hover:border-slate-500"
          onClick={() => folderInput.current?.click()}
        >
          Choose a folder…
        </button>
        <label className="flex items-center gap-1.5">
          4-D NIfTI:
          <select
            value={fourD}
            data-testid="upload-fourd"
            onChange={(e) => setFourD(e.target.value as FourD)}
            className="rounded bg-slate-900 px-1.5 py-1 text-slate-200"
          >
            <option value="series">one volume per time point</option>
            <option value="sequence">frames as a sequence</option>
          </select>
        </label>
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
                <span className={`min-w-0 text-right ${stateColour(it.state)}`}>
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
              {it.files && it.state === 'uploading' && (
                <div className="mt-1.5 text-slate-500" data-testid="upload-files">
                  {it.files.length <= LIST_FILES_UP_TO
                    ? it.files.map((f) => (
                        <div key={f.name} className="flex justify-between gap-2">
                          <span className="truncate">{f.name}</span>
                          <span>{Math.round((f.sent / Math.max(1, f.size)) * 100)}%</span>
                        </div>
                      ))
                    : `${it.files.filter((f) => f.sent >= f.size).length} of ${it.files.length} files sent`}
                </div>
              )}
              {it.outcomes && (
                <ul className="mt-1.5 space-y-0.5" data-testid="upload-outcomes">
                  {it.outcomes.map((o, k) => (
                    <li key={k} className={o.ok ? 'text-emerald-300/90' : 'text-red-300'}>
                      <span className="text-slate-400">
                        {o.files.length > 1
                          ? `${o.files[0]} + ${o.files.length - 1} more`
                          : o.files[0]}
                        :{' '}
                      </span>
                      {o.message}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
