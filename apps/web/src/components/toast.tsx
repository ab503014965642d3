'use client';
/** Error/info toasts: `const toast = useToast(); toast.error('...')`. Errors stay until dismissed. */
import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';

type ToastKind = 'error' | 'info' | 'success';
interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}
interface ToastApi {
  error: (message: string) => void;
  info: (message: string) => void;
  success: (message: string) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback(
    (id: number) => setToasts((all) => all.filter((t) => t.id !== id)),
    [],
  );
  const push = useCallback(
    (kind: ToastKind, message: string) => {
      const id = nextId.current++;
      setToasts((all) => [...all.slice(-4), { id, kind, message }]);
      if (kind !== 'error') setTimeout(() => dismiss(id), 3500);
    },
    [dismiss],
  );
  const api = useMemo<ToastApi>(
    () => ({
      error: (m) => push('error', m),
      info: (m) => push('info', m),
      success: (m) => push('success', m),
    }),
    [push],
  );
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div
        className="pointer-events-none fixed top-24 left-1/2 z-50 flex w-[28rem] max-w-[90vw] -translate-x-1/2 flex-col gap-2"
        aria-live="polite"
      >
        {toasts.map((t) => (
          <div
            key={t.id}
            role={t.kind === 'error' ? 'alert' : 'status'}
            data-testid={`toast-${t.kind}`}
            className={`pointer-events-auto flex items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-xl ${
              t.kind === 'error'
                ? 'border-red-500/40 bg-red-950/95 text-red-100'
                : t.kind === 'success'
                  ? 'border-emerald-500/40 bg-emerald-950/95 text-emerald-100'
                  : 'border-slate-600 bg-slate-900/95 text-slate-100'
            }`}
          >
            <span className="flex-1">{t.message}</span>
            <button
              className="text-xs opacity-60 hover:opacity-100"
              onClick={() => dismiss(t.id)}
              aria-label="Dismiss"
            >
              ✕
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast outside ToastProvider');
  return api;
}

/** A readable message from anything thrown (tRPC errors carry the server's message). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
