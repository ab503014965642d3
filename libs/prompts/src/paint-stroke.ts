import { PromptError } from './errors';
import type { Mask } from './mask';
import { assertMaskSize } from './mask';
import type { BrushStroke } from './schemas';
import { parseOrThrow } from './validate';
import { brushStrokeSchema } from './schemas';

/**
 * Paints a brush (sets 1) or eraser (sets 0) stroke: every pixel whose centre lies within
 * `radius` of the polyline through `points` (a disc for a single point). Returns a new mask.
 * Points may lie outside the image; the disc is clipped.
 */
export function paintStroke(mask: Mask, stroke: BrushStroke): Mask {
  const { width: w, height: h } = mask;
  assertMaskSize(mask, w, h);
  const st = parseOrThrow(brushStrokeSchema, stroke, 'stroke');
  st.points.forEach((p, i) => {
    if (!Number.isFinite(p.x)) throw new PromptError(`stroke.points.${i}.x`, 'must be finite');
    if (!Number.isFinite(p.y)) throw new PromptError(`stroke.points.${i}.y`, 'must be finite');
  });
  const out = mask.data.slice();
  const value = st.mode === 'brush' ? 1 : 0;
  const r = st.radius;
  const r2 = r * r;
  const pts = st.points.length === 1 ? [st.points[0]!, st.points[0]!] : st.points;
  for (let s = 0; s + 1 < pts.length; s++) {
    const a = pts[s]!;
    const b = pts[s + 1]!;
    const minX = Math.max(0, Math.floor(Math.min(a.x, b.x) - r - 0.5));
    const maxX = Math.min(w - 1, Math.ceil(Math.max(a.x, b.x) + r - 0.5));
    const minY = Math.max(0, Math.floor(Math.min(a.y, b.y) - r - 0.5));
    const maxY = Math.min(h - 1, Math.ceil(Math.max(a.y, b.y) + r - 0.5));
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len2 = dx * dx + dy * dy;
    for (let y = minY; y <= maxY; y++) {
      const py = y + 0.5;
      for (let x = minX; x <= maxX; x++) {
        const px = x + 0.5;
        let t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - (a.x + t * dx);
        const ey = py - (a.y + t * dy);
        if (ex * ex + ey * ey <= r2) out[y * w + x] = value;
      }
    }
  }
  return { width: w, height: h, data: out };
}
