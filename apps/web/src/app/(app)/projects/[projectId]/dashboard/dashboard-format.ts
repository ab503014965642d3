/** Number and time formatting shared by the dashboard's client components (browser-safe, pure). */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../../../../server/api/root';

export type DashboardData = inferRouterOutputs<AppRouter>['dashboard']['get'];

export const DASH = '—';

export function fmtNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function fmtPercent(share: number | null | undefined, digits = 0): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return DASH;
  return `${(share * 100).toFixed(digits)}%`;
}

/** 42 s, 3 min 5 s, 2 h 10 min. */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function fmtDate(value: Date | string | null | undefined): string {
  if (!value) return DASH;
  const date = value instanceof Date ? value : new Date(value);
  return date.toLocaleString('en-GB', {
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Chart palette for the dark theme (Tailwind 400 shades). */
export const COLORS = {
  sky: '#38bdf8',
  emerald: '#34d399',
  amber: '#fbbf24',
  violet: '#a78bfa',
  rose: '#fb7185',
  grid: '#1e293b',
  axis: '#94a3b8',
} as const;

export const AXIS_PROPS = {
  stroke: COLORS.axis,
  tick: { fill: COLORS.axis, fontSize: 11 },
  tickLine: false,
} as const;

export const TOOLTIP_PROPS = {
  contentStyle: {
    background: '#0f172a',
    border: '1px solid #334155',
    borderRadius: 8,
    fontSize: 12,
  },
  labelStyle: { color: '#e2e8f0' },
  itemStyle: { padding: 0 },
} as const;
