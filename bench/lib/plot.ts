/**
 * PNG plots for the report: a Vega-Lite spec rendered to SVG headlessly by vega, then to PNG by
 * sharp. No browser or canvas needed.
 */
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function renderVegaLitePng(spec: TopLevelSpec, outFile: string): Promise<void> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  await writeFile(outFile.replace(/\.png$/, '.svg'), svg);
  await sharp(Buffer.from(svg), { density: 144 }).png().toFile(outFile);
}

export interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
}

/** A line chart of one or more series, with optional vertical markers (e.g. promotions). */
export async function plotLines(options: {
  title: string;
  xTitle: string;
  yTitle: string;
  series: Series[];
  markers?: Array<{ x: number; label: string }>;
  /** x takes whole numbers only (rounds): no ticks between them. */
  integerX?: boolean;
  outFile: string;
}): Promise<void> {
  const values = options.series.flatMap((s) => s.points.map((p) => ({ ...p, series: s.name })));
  const layers: unknown[] = [
    {
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          title: options.xTitle,
          ...(options.integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
        },
        y: { field: 'y', type: 'quantitative', title: options.yTitle, scale: { zero: false } },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          legend: { labelLimit: 280, orient: 'bottom', columns: 2 },
        },
      },
    },
  ];
  if (options.markers?.length) {
    layers.push({
      data: { values: options.markers },
      mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
      encoding: { x: { field: 'x', type: 'quantitative' } },
    });
  }
  await renderVegaLitePng(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: options.title,
      width: 460,
      height: 260,
      data: { values },
      layer: layers,
    } as TopLevelSpec,
    options.outFile,
  );
}
