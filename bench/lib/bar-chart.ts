/** Grouped horizontal bar charts (Vega-Lite -> PNG via the lead's renderVegaLitePng). */
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLitePng } from './plot';

export interface Bar {
  /** One row of bars (e.g. "ort-web 1 thread"). */
  group: string;
  /** Colour within the row (e.g. "encoder p50"). */
  series: string;
  value: number;
}

export async function plotGroupedBars(options: {
  title: string;
  valueTitle: string;
  bars: Bar[];
  outFile: string;
  width?: number;
}): Promise<void> {
  const bars = options.bars.filter((b) => Number.isFinite(b.value));
  if (bars.length === 0) throw new Error(`${options.title}: no finite values to plot`);
  await renderVegaLitePng(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: options.title,
      width: options.width ?? 460,
      height: { step: 11 },
      data: { values: bars },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'group', type: 'nominal', title: null, sort: null, axis: { labelLimit: 420 } },
        yOffset: { field: 'series', type: 'nominal', sort: null },
        x: { field: 'value', type: 'quantitative', title: options.valueTitle },
        color: { field: 'series', type: 'nominal', title: null, sort: null },
      },
    } as TopLevelSpec,
    options.outFile,
  );
}
