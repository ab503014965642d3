'use client';
/**
 * Learning curve: validation Dice (left axis) and NoC@90 (right axis, clicks to reach IoU 0.9)
 * of every evaluated model version against its number of training labels; MAE pretraining runs
 * are marked with violet reference lines. Hollow dots are candidates that were not promoted.
 */
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
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
  type DashboardData,
} from './dashboard-format';

interface DotProps {
  cx?: number;
  cy?: number;
  index?: number;
  payload?: { status: string; isActive: boolean };
}

/** Served versions are filled dots; candidates (not promoted) hollow; the active one larger. */
function versionDot(color: string) {
  function VersionDot({ cx, cy, index, payload }: DotProps) {
    if (cx === undefined || cy === undefined) return <g key={index} />;
    const candidate = payload?.status === 'CANDIDATE' || payload?.status === 'FAILED';
    return (
      <circle
        key={index}
        cx={cx}
        cy={cy}
        r={payload?.isActive ? 5 : 3.5}
        stroke={color}
        strokeWidth={candidate ? 2 : 1}
        fill={candidate ? '#0f172a' : color}
      />
    );
  }
  return VersionDot;
}

export function LearningCurve({ data }: { data: DashboardData }) {
  const points = data.modelVersions
    .filter((m) => m.valDice !== null || m.valNoc90 !== null)
    .map((m) => ({ ...m, label: `v${m.version} (${m.status.toLowerCase()})` }))
    .sort((a, b) => a.trainLabelCount - b.trainLabelCount || a.version - b.version);
  if (points.length === 0) {
    return <p className="text-sm text-slate-400">No validated model version yet.</p>;
  }
  return (
    <div className="h-72" data-testid="learning-curve">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 18, right: 8, bottom: 14, left: 0 }}>
          <CartesianGrid stroke={COLORS.grid} vertical={false} />
          <XAxis
            dataKey="trainLabelCount"
            type="number"
            domain={[0, 'dataMax']}
            allowDecimals={false}
            {...AXIS_PROPS}
            label={{
              value: 'training labels',
              position: 'insideBottom',
              offset: -8,
              fill: COLORS.axis,
              fontSize: 11,
            }}
          />
          <YAxis yAxisId="dice" domain={[0, 1]} width={40} {...AXIS_PROPS} />
          <YAxis
            yAxisId="noc"
            orientation="right"
            width={36}
            {...AXIS_PROPS}
            allowDecimals={false}
          />
          <Tooltip
            {...TOOLTIP_PROPS}
            labelFormatter={(_, payload) => {
              const row = payload?.[0]?.payload as (typeof points)[number] | undefined;
              return row ? `${row.label} · ${row.trainLabelCount} labels` : '';
            }}
            formatter={(value, name) => [
              fmtNumber(typeof value === 'number' ? value : null, 3),
              name,
            ]}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} verticalAlign="top" height={24} />
          {data.pretrainMarkers.map((marker, i) => (
            <ReferenceLine
              key={marker.runId}
              yAxisId="dice"
              x={marker.trainLabelsAtRun}
              stroke={COLORS.violet}
              strokeDasharray="5 3"
              label={{
                value: i === 0 ? 'MAE pretrain' : 'MAE',
                fill: COLORS.violet,
                fontSize: 10,
                position: 'insideTopLeft',
              }}
            />
          ))}
          <Line
            yAxisId="dice"
            type="monotone"
            dataKey="valDice"
            name="validation Dice"
            stroke={COLORS.emerald}
            strokeWidth={2}
            dot={versionDot(COLORS.emerald)}
            connectNulls
            isAnimationActive={false}
          />
          <Line
            yAxisId="noc"
            type="monotone"
            dataKey="valNoc90"
            name="NoC@90 (clicks)"
            stroke={COLORS.rose}
            strokeWidth={2}
            dot={versionDot(COLORS.rose)}
            connectNulls
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
