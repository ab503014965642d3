/**
 * Line chart of means with their spread: one line per series through the means, a bar from the
 * lowest to the highest repeat (e.g. seed) at each x, and the repeats themselves as faint dots.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLitePng } from './plot';

export interface SpreadSeries {
  name: string;
  points: Array<{ x: number; values: number[] }>;
}

export async function plotMeanWithSpread(options: {
  title: string;
  xTitle: string;
  yTitle: string;
  series: SpreadSeries[];
  outFile: string;
}): Promise<void> {
  // Series side by side at each x (a small nudge) so their spread bars do not hide each other.
  const xs = options.series.flatMap((s) => s.points.map((p) => p.x));
  const step = Math.max(1, Math.max(...xs) - Math.min(...xs)) * 0.012;
  const nudge = (index: number) => (index - (options.series.length - 1) / 2) * step;
  const summary = options.series.flatMap((s, index) =>
    s.points
      .filter((p) => p.values.length > 0)
      .map((p) => ({
        series: s.name,
        x: p.x + nudge(index),
        mean: p.values.reduce((a, v) => a + v, 0) / p.values.length,
        lo: Math.min(...p.values),
        hi: Math.max(...p.values),
      })),
  );
  const repeats = options.series.flatMap((s, index) =>
    s.points.flatMap((p) => p.values.map((y) => ({ series: s.name, x: p.x + nudge(index), y }))),
  );
  if (summary.length === 0) throw new Error(`${options.title}: no values to plot`);
  const x = { field: 'x', type: 'quantitative', title: options.xTitle };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    legend: { orient: 'bottom', labelLimit: 600 },
  };
  await renderVegaLitePng(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: options.title,
      width: 460,
      height: 260,
      layer: [
        {
          data: { values: summary },
          mark: { type: 'line', point: true },
          encoding: {
            x,
            y: {
              field: 'mean',
              type: 'quantitative',
              title: options.yTitle,
              scale: { zero: false },
            },
            color,
          },
        },
        {
          data: { values: summary },
          mark: { type: 'rule', strokeWidth: 2, opacity: 0.6 },
          encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
        },
        {
          data: { values: repeats },
          mark: { type: 'point', size: 14, opacity: 0.45, filled: true },
          encoding: { x, y: { field: 'y', type: 'quantitative' }, color },
        },
      ],
    } as TopLevelSpec,
    options.outFile,
  );
}
