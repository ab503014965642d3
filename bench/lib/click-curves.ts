/**
 * mIoU-per-click curves (interactive segmentation's standard plot, as in RITM / SimpleClick):
 * one panel per dataset, one line per model, mean IoU after k clicks (k = 0: the box alone), with
 * the 0.9 level the NoC@90 figures count to.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLitePng } from './plot';

export interface ClickCurve {
  dataset: string;
  model: string;
  /** miouAtK[k] = mean IoU after k clicks. */
  miouAtK: number[];
}

export async function plotClickCurves(options: {
  title: string;
  curves: ClickCurve[];
  outFile: string;
}): Promise<void> {
  const values = options.curves.flatMap((c) =>
    c.miouAtK.flatMap((miou, clicks) =>
      Number.isFinite(miou) ? [{ dataset: c.dataset, model: c.model, clicks, miou }] : [],
    ),
  );
  if (values.length === 0) throw new Error(`${options.title}: no finite values to plot`);
  const datasets = [...new Set(options.curves.map((c) => c.dataset))];
  const lowest = Math.min(...values.map((v) => v.miou));
  await renderVegaLitePng(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: options.title,
      data: { values },
      facet: { column: { field: 'dataset', type: 'nominal', title: null, sort: datasets } },
      spec: {
        width: 190,
        height: 200,
        layer: [
          {
            mark: { type: 'line', point: { size: 18 } },
            encoding: {
              x: { field: 'clicks', type: 'quantitative', title: 'clicks after the box' },
              y: {
                field: 'miou',
                type: 'quantitative',
                title: 'mean IoU',
                scale: { domain: [Math.max(0, Math.floor(lowest * 10) / 10), 1] },
              },
              color: {
                field: 'model',
                type: 'nominal',
                title: null,
                legend: { orient: 'bottom', labelLimit: 400 },
              },
            },
          },
          {
            mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
            encoding: { y: { datum: 0.9 } },
          },
        ],
      },
    } as TopLevelSpec,
    options.outFile,
  );
}
