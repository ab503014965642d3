'use client';
/**
 * Label efficiency small multiples: each metric against model version (left) and against the
 * number of accepted labels (right), model promotions marked with dashed reference lines.
 */
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  AXIS_PROPS,
  COLORS,
  TOOLTIP_PROPS,
  fmtNumber,
  fmtPercent,
  type DashboardData,
} from './dashboard-format';

type Stats = DashboardData['efficiency']['total'];
type StatKey = Exclude<keyof Stats, 'masks' | 'activeSeconds'>;

interface Series {
  key: StatKey;
  name: string;
  color: string;
}

interface Metric {
  id: string;
  title: string;
  hint: string;
  series: Series[];
  format: (value: number | null) => string;
  domain?: [number, number];
}

export const EFFICIENCY_METRICS: Metric[] = [
  {
    id: 'seconds',
    title: 'Active seconds per mask',
    hint: 'lower is better',
    series: [{ key: 'secondsPerMask', name: 'seconds / mask', color: COLORS.sky }],
    format: (v) => `${fmtNumber(v)} s`,
  },
  {
    id: 'prompts',
    title: 'Prompts and corrections per mask',
    hint: 'lower is better',
    series: [
      { key: 'promptsPerMask', name: 'prompts (box, clicks)', color: COLORS.sky },
      { key: 'correctionsPerMask', name: 'corrections (brush, eraser)', color: COLORS.rose },
    ],
    format: (v) => fmtNumber(v, 2),
  },
  {
    id: 'noEdit',
    title: 'Accepted without any edit',
    hint: 'higher is better',
    series: [{ key: 'acceptedWithoutEditShare', name: 'share of masks', color: COLORS.emerald }],
    format: (v) => fmtPercent(v),
    domain: [0, 1],
  },
  {
    id: 'overlap',
    title: 'Proposal vs accepted mask',
    hint: 'higher is better',
    series: [
      { key: 'meanProposalDice', name: 'Dice', color: COLORS.emerald },
      { key: 'meanProposalIou', name: 'IoU', color: COLORS.violet },
    ],
    format: (v) => fmtNumber(v, 3),
    domain: [0, 1],
  },
  {
    id: 'rate',
    title: 'Masks per annotator-hour',
    hint: 'higher is better',
    series: [{ key: 'masksPerAnnotatorHour', name: 'masks / hour', color: COLORS.amber }],
    format: (v) => fmtNumber(v),
  },
];

export function EfficiencyCharts({ data }: { data: DashboardData }) {
  const { byModelVersion, byLabelCount, total } = data.efficiency;
  if (total.masks === 0) {
    return (
      <p className="text-sm text-slate-400">
        No accepted masks yet: the charts appear after the first one.
      </p>
    );
  }
  const versionRows = byModelVersion.map((row) => ({
    ...row,
    label: row.version === null ? 'no model' : `v${row.version}`,
  }));
  const promotions = data.modelVersions.filter(
    (m) => m.promotedAt !== null && m.labelsAtPromotion !== null,
  );
  const active = data.modelVersions.find((m) => m.isActive);
  const promotedLabels = new Set(promotions.map((m) => `v${m.version}`));
  return (
    <div className="grid gap-4">
      {EFFICIENCY_METRICS.map((metric) => (
        <section
          key={metric.id}
          className="rounded-xl border border-slate-800 bg-slate-900/60 p-4"
          data-testid={`efficiency-${metric.id}`}
        >
          <header className="mb-2 flex items-baseline justify-between">
            <h3 className="text-sm font-medium text-white">{metric.title}</h3>
            <span className="text-xs text-slate-500">
              {metric.hint} · all masks: {metric.format(total[metric.series[0]!.key])}
            </span>
          </header>
          <div className="grid gap-4 md:grid-cols-2">
            <div>
              <p className="mb-1 text-xs text-slate-400">by model version that proposed the mask</p>
              <div className="h-48">
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart data={versionRows} margin={{ top: 14, right: 24, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke={COLORS.grid} vertical={false} />
                    <XAxis dataKey="label" {...AXIS_PROPS} />
                    <YAxis
                      {...AXIS_PROPS}
                      width={44}
                      domain={metric.domain ?? ['auto', 'auto']}
                      tickFormatter={(v: number) => metric.format(v)}
                    />
                    <Tooltip
                      {...TOOLTIP_PROPS}
                      formatter={(v) => metric.format(typeof v === 'number' ? v : null)}
                    />
                    {versionRows
                      .filter((row) => promotedLabels.has(row.label))
                      .map((row) => (
                        <ReferenceLine
                          key={row.label}
                          x={row.label}
                          stroke={row.label === `v${active?.version}` ? COLORS.amber : '#475569'}
                          strokeDasharray="3 3"
                          label={
                            row.label === `v${active?.version}`
                              ? {
                                  value: 'active',
                                  fill: COLORS.amber,
                                  fontSize: 10,
                                  position: 'top',
                                }
                              : undefined
                          }
                        />
                      ))}
                    {metric.series.map((s) => (
                      <Line
                        key={s.key}
                        type="monotone"
                        dataKey={s.key}
                        name={s.name}
                        stroke={s.color}
                        strokeWidth={2}
                        dot={{ r: 3 }}
                        connectNulls
                        isAnimationActive={false}
                      />
                    ))}
                    {metric.series.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} />}
                  </LineChart>
                </ResponsiveContainer>
              </div>
            </div>
            <div>
              <p className="mb-1 text-xs text-slate-400">
                by accepted labels (buckets of {data.efficiency.bucketSize}; dashed = model
                promoted)
              </p>
              <div className="h-48">
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart
                    data={byLabelCount}
                    margin={{ top: 14, right: 12, bottom: 0, left: 0 }}
                  >
                    <CartesianGrid stroke={COLORS.grid} vertical={false} />
                    <XAxis
                      dataKey="lastLabel"
                      type="number"
                      domain={[0, 'dataMax']}
                      {...AXIS_PROPS}
                      allowDecimals={false}
                    />
                    <YAxis
                      {...AXIS_PROPS}
                      width={44}
                      domain={metric.domain ?? ['auto', 'auto']}
                      tickFormatter={(v: number) => metric.format(v)}
                    />
                    <Tooltip
                      {...TOOLTIP_PROPS}
                      labelFormatter={(label) => `labels up to ${String(label)}`}
                      formatter={(v) => metric.format(typeof v === 'number' ? v : null)}
                    />
                    {promotions.map((m) => (
                      <ReferenceLine
                        key={m.id}
                        x={m.labelsAtPromotion ?? 0}
                        stroke={COLORS.amber}
                        strokeOpacity={0.6}
                        strokeDasharray="4 3"
                        label={{
                          value: `v${m.version}`,
                          fill: COLORS.amber,
                          fontSize: 10,
                          position: 'top',
                        }}
                      />
                    ))}
                    {metric.series.map((s) => (
                      <Line
                        key={s.key}
                        type="monotone"
                        dataKey={s.key}
                        name={s.name}
                        stroke={s.color}
                        strokeWidth={2}
                        dot={false}
                        connectNulls
                        isAnimationActive={false}
                      />
                    ))}
                  </LineChart>
                </ResponsiveContainer>
              </div>
            </div>
          </div>
        </section>
      ))}
    </div>
  );
}
