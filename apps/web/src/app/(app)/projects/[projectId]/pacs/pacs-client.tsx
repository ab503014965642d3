'use client';
/**
 * The PACS page: connection form (the secret is write-only), QIDO-RS search by patient, date and
 * modality, series import one at a time with progress, and "send masks as DICOM SEG".
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, useToast } from '../../../../../components/toast';
import { useTRPC } from '../../../../../components/trpc';

type AuthType = 'none' | 'basic' | 'bearer';
interface SeriesKey {
  studyInstanceUid: string;
  seriesInstanceUid: string;
}
interface ImportLine {
  seriesInstanceUid: string;
  state: 'waiting' | 'importing' | 'done' | 'failed';
  message: string;
}

const input =
  'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-xs outline-none focus:border-sky-500';
const button =
  'rounded-md border border-slate-700 px-3 py-1 text-xs hover:bg-slate-800 disabled:opacity-50';

export function PacsClient({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const connection = useQuery(trpc.pacs.connection.queryOptions({ projectId }));
  const [form, setForm] = useState<{
    baseUrl: string;
    authType: AuthType;
    username: string;
    secret: string;
    timeoutMs: number;
  } | null>(null);
  const current = form ?? {
    baseUrl: connection.data?.baseUrl ?? '',
    authType: (connection.data?.authType as AuthType | undefined) ?? 'none',
    username: connection.data?.username ?? '',
    secret: '',
    timeoutMs: connection.data?.timeoutMs ?? 15000,
  };
  const save = useMutation(
    trpc.pacs.saveConnection.mutationOptions({
      onSuccess: async () => {
        toast.success('PACS connection saved');
        setForm(null);
        await queryClient.invalidateQueries({ queryKey: trpc.pacs.connection.queryKey() });
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
  const test = useMutation(
    trpc.pacs.testConnection.mutationOptions({
      onSuccess: (r) => toast.success(r.message),
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );

  const [query, setQuery] = useState({
    patientName: '',
    patientId: '',
    studyDate: '',
    modality: '',
  });
  const [submitted, setSubmitted] = useState<typeof query | null>(null);
  const [study, setStudy] = useState<string | null>(null);
  const clean = (q: typeof query) =>
    Object.fromEntries(Object.entries(q).filter(([, v]) => v.trim() !== '')) as Partial<
      typeof query
    >;
  const studies = useQuery({
    ...trpc.pacs.search.queryOptions({
      projectId,
      query: { level: 'studies', limit: 100, ...clean(submitted ?? query) },
    }),
    enabled: submitted !== null,
    retry: false,
  });
  const series = useQuery({
    ...trpc.pacs.search.queryOptions({
      projectId,
      query: { level: 'series', studyInstanceUid: study ?? '', limit: 200 },
    }),
    enabled: study !== null,
    retry: false,
  });
  const [selected, setSelected] = useState<Map<string, SeriesKey>>(new Map());
  const [imports, setImports] = useState<ImportLine[]>([]);
  const importSeries = useMutation(trpc.pacs.importSeries.mutationOptions());
  const [importing, setImporting] = useState(false);

  async function runImport() {
    const list = [...selected.values()];
    setImports(
      list.map((s) => ({ seriesInstanceUid: s.seriesInstanceUid, state: 'waiting', message: '' })),
    );
    setImporting(true);
    // One series per request: progress per series, and one failure never stops the rest.
    for (const [k, s] of list.entries()) {
      setImports((all) => all.map((l, i) => (i === k ? { ...l, state: 'importing' } : l)));
      try {
        const [result] = await importSeries.mutateAsync({ projectId, series: [s] });
        setImports((all) =>
          all.map((l, i) =>
            i === k
              ? { ...l, state: result?.ok ? 'done' : 'failed', message: result?.message ?? '' }
              : l,
          ),
        );
      } catch (error) {
        setImports((all) =>
          all.map((l, i) =>
            i === k ? { ...l, state: 'failed', message: errorMessage(error) } : l,
          ),
        );
      }
    }
    setImporting(false);
    setSelected(new Map());
    await queryClient.invalidateQueries({ queryKey: trpc.pacs.segTargets.queryKey() });
  }

  const targets = useQuery(trpc.pacs.segTargets.queryOptions({ projectId }));
  const [approvedOnly, setApprovedOnly] = useState(false);
  const sendSeg = useMutation(
    trpc.pacs.sendSeg.mutationOptions({
      onSuccess: (r) => toast.success(`Sent a DICOM SEG with ${r.segments} segment(s)`),
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );

  function submitConnection(e: FormEvent) {
    e.preventDefault();
    save.mutate({
      projectId,
      connection: {
        baseUrl: current.baseUrl,
        authType: current.authType,
        username: current.username || null,
        timeoutMs: current.timeoutMs,
        ...(current.secret ? { secret: current.secret } : {}),
      },
    });
  }
  const edit = (patch: Partial<typeof current>) => setForm({ ...current, ...patch });
  const done = imports.filter((l) => l.state === 'done' || l.state === 'failed').length;

  return (
    <main className="mx-auto max-w-5xl space-y-6 p-6 text-sm text-slate-200">
      <h1 className="text-lg font-semibold text-white">PACS (DICOMweb)</h1>

      <form
        onSubmit={submitConnection}
        className="space-y-2 rounded-xl border border-slate-800 p-4"
        data-testid="pacs-connection"
      >
        <h2 className="text-sm font-medium text-slate-300">Connection</h2>
        <div className="flex flex-wrap gap-2">
          <input
            className={`${input} min-w-[22rem] flex-1`}
            placeholder="http://pacs.hospital.org:8042/dicom-web"
            value={current.baseUrl}
            onChange={(e) => edit({ baseUrl: e.target.value })}
            required
          />
          <select
            className={input}
            value={current.authType}
            onChange={(e) => edit({ authType: e.target.value as AuthType })}
          >
            <option value="none">no auth</option>
            <option value="basic">basic</option>
            <option value="bearer">bearer token</option>
          </select>
          {current.authType === 'basic' && (
            <input
              className={input}
              placeholder="user"
              value={current.username}
              onChange={(e) => edit({ username: e.target.value })}
            />
          )}
          {current.authType !== 'none' && (
            <input
              className={input}
              type="password"
              autoComplete="new-password"
              placeholder={
                connection.data?.hasSecret
                  ? '(stored; type to replace)'
                  : current.authType === 'basic'
                    ? 'password'
                    : 'token'
              }
              value={current.secret}
              onChange={(e) => edit({ secret: e.target.value })}
            />
          )}
          <label className="flex items-center gap-1 text-xs text-slate-400">
            timeout
            <input
              className={`${input} w-20`}
              type="number"
              min={500}
              max={120000}
              value={current.timeoutMs}
              onChange={(e) => edit({ timeoutMs: Number(e.target.value) })}
            />
            ms
          </label>
        </div>
        <div className="flex gap-2">
          <button className={button} type="submit" disabled={save.isPending}>
            Save
          </button>
          <button
            className={button}
            type="button"
            disabled={!connection.data || test.isPending}
            onClick={() => test.mutate({ projectId })}
          >
            Test connection
          </button>
        </div>
        <p className="text-xs text-slate-500">
          Credentials stay on the server; this page never receives them back.
        </p>
      </form>

      <section className="space-y-2 rounded-xl border border-slate-800 p-4">
        <h2 className="text-sm font-medium text-slate-300">Search (QIDO-RS)</h2>
        <form
          className="flex flex-wrap gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setStudy(null);
            setSubmitted({ ...query });
          }}
        >
          <input
            className={input}
            placeholder="patient name"
            value={query.patientName}
            onChange={(e) => setQuery({ ...query, patientName: e.target.value })}
          />
          <input
            className={input}
            placeholder="patient ID"
            value={query.patientId}
            onChange={(e) => setQuery({ ...query, patientId: e.target.value })}
          />
          <input
            className={input}
            placeholder="date YYYYMMDD[-YYYYMMDD]"
            value={query.studyDate}
            onChange={(e) => setQuery({ ...query, studyDate: e.target.value })}
          />
          <input
            className={`${input} w-24`}
            placeholder="modality"
            value={query.modality}
            onChange={(e) => setQuery({ ...query, modality: e.target.value })}
          />
          <button className={button} type="submit" disabled={!connection.data}>
            Search
          </button>
        </form>
        {studies.error && <p className="text-xs text-red-300">{errorMessage(studies.error)}</p>}
        {studies.data && (
          <table className="w-full text-xs" data-testid="pacs-studies">
            <thead className="text-left text-slate-500">
              <tr>
                <th>Patient</th>
                <th>ID</th>
                <th>Date</th>
                <th>Modalities</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {studies.data.map((s) => (
                <tr
                  key={s.studyInstanceUid}
                  className={`cursor-pointer hover:bg-slate-800 ${study === s.studyInstanceUid ? 'bg-slate-800' : ''}`}
                  onClick={() => setStudy(s.studyInstanceUid)}
                >
                  <td>{s.patientName}</td>
                  <td>{s.patientId}</td>
                  <td>{s.studyDate}</td>
                  <td>{s.modality}</td>
                  <td>{s.studyDescription}</td>
                </tr>
              ))}
              {studies.data.length === 0 && (
                <tr>
                  <td colSpan={5} className="text-slate-500">
                    No studies match.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        )}
        {series.error && <p className="text-xs text-red-300">{errorMessage(series.error)}</p>}
        {series.data && (
          <ul className="space-y-1" data-testid="pacs-series">
            {series.data.map((s) => {
              const key = s.seriesInstanceUid ?? '';
              return (
                <li key={key} className="flex items-center gap-2 text-xs">
                  <input
                    type="checkbox"
                    checked={selected.has(key)}
                    onChange={(e) => {
                      const next = new Map(selected);
                      if (e.target.checked)
                        next.set(key, { studyInstanceUid: study!, seriesInstanceUid: key });
                      else next.delete(key);
                      setSelected(next);
                    }}
                  />
                  <span className="w-12 text-slate-400">{s.modality}</span>
                  <span className="flex-1">
                    #{s.seriesNumber} {s.seriesDescription}
                  </span>
                  <span className="text-slate-500">{s.instances ?? '?'} instances</span>
                </li>
              );
            })}
          </ul>
        )}
        <button
          className={button}
          disabled={selected.size === 0 || importing}
          onClick={() => void runImport()}
        >
          Import {selected.size || ''} series (WADO-RS)
        </button>
        {imports.length > 0 && (
          <div data-testid="pacs-imports">
            <div className="mt-2 h-1 overflow-hidden rounded bg-slate-800">
              <div
                className="h-full bg-sky-500 transition-all"
                style={{ width: `${(done / imports.length) * 100}%` }}
              />
            </div>
            <p className="mt-1 text-xs text-slate-400">
              {done} of {imports.length} series
            </p>
            <ul className="mt-1 space-y-0.5 text-xs">
              {imports.map((l) => (
                <li
                  key={l.seriesInstanceUid}
                  data-state={l.state}
                  className={
                    l.state === 'failed'
                      ? 'text-red-300'
                      : l.state === 'done'
                        ? 'text-emerald-300'
                        : 'text-slate-400'
                  }
                >
                  {l.seriesInstanceUid}:{' '}
                  {l.state === 'importing'
                    ? 'importing…'
                    : l.state === 'waiting'
                      ? 'waiting'
                      : l.message}
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>

      <section className="space-y-2 rounded-xl border border-slate-800 p-4">
        <h2 className="text-sm font-medium text-slate-300">
          Send masks back as DICOM SEG (STOW-RS)
        </h2>
        <label className="flex items-center gap-1 text-xs text-slate-400">
          <input
            type="checkbox"
            checked={approvedOnly}
            onChange={(e) => setApprovedOnly(e.target.checked)}
          />
          reviewer-approved masks only
        </label>
        <ul className="space-y-1 text-xs">
          {targets.data?.map((t) => (
            <li key={t.id} className="flex items-center gap-2">
              <span className="flex-1">
                {t.kind === 'volume' ? 'Series' : 'Image'} {t.name}{' '}
                <span className="text-slate-500">({t.masks} masks)</span>
              </span>
              <button
                className={button}
                disabled={sendSeg.isPending || !connection.data}
                onClick={() =>
                  sendSeg.mutate({
                    projectId,
                    target: t.kind === 'volume' ? { volumeId: t.id } : { imageId: t.id },
                    approvedOnly,
                  })
                }
              >
                Send SEG
              </button>
            </li>
          ))}
          {targets.data?.length === 0 && (
            <li className="text-slate-500">No DICOM images with masks yet.</li>
          )}
        </ul>
      </section>
    </main>
  );
}
