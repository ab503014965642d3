/**
 * Groups the DICOM files of one upload into images, volumes and sequences from their headers only
 * (before any pixel is decoded): one SeriesInstanceUID -> one volume, sorted along the slice
 * normal by ImagePositionPatient (InstanceNumber as fallback); mixed sizes or orientations in a
 * series are split; duplicate or missing positions and series over the slice limit are refused
 * with a reason naming the files. Multi-frame objects are sequences of their own.
 */
import type { ImageLimits } from '../decoded-image';
import { dicomAffine, sliceNormal } from '../volume-affine';
import type { DicomHeader } from './read-dicom-header';

export interface DicomEntry {
  /** Index in the upload. */
  index: number;
  name: string;
  header: DicomHeader;
}

export interface DicomPlan {
  kind: 'image' | 'volume' | 'sequence';
  /** Upload indexes, in slice order. */
  files: number[];
  sliceOrder?: 'position' | 'instance-number' | 'frame';
  positions?: (number[] | null)[];
  spacing?: number[];
  affine?: number[];
  note?: string;
}

export interface DicomRefusal {
  files: number[];
  reason: string;
}

const names = (entries: DicomEntry[], max = 4) => {
  const shown = entries.slice(0, max).map((e) => e.name);
  return entries.length > max
    ? `${shown.join(', ')} and ${entries.length - max} more`
    : shown.join(', ');
};

function geometryKey(h: DicomHeader): string {
  const o = h.orientation ? h.orientation.map((v) => v.toFixed(3)).join(',') : 'none';
  return `${h.columns}x${h.rows}|${h.samplesPerPixel}|${h.bitsAllocated}|${o}`;
}

function describeKey(h: DicomHeader): string {
  return `${h.columns}x${h.rows}${h.orientation ? ` at orientation ${h.orientation.map((v) => v.toFixed(2)).join('\\')}` : ''}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Orders one geometry-consistent group of single-frame files, or says why it cannot. */
function orderGroup(group: DicomEntry[], limits: ImageLimits): DicomPlan | DicomRefusal {
  const files = group.map((e) => e.index);
  const seriesName =
    group[0]?.header.source.seriesDescription ?? group[0]?.header.source.seriesInstanceUid ?? '';
  if (group.length > limits.maxSlices)
    return {
      files,
      reason: `Series ${seriesName} has ${group.length} slices; the limit is ${limits.maxSlices}. Nothing of it was stored.`,
    };
  const sops = new Map<string, DicomEntry>();
  for (const e of group) {
    const uid = e.header.source.sopInstanceUid;
    if (!uid) continue;
    const twin = sops.get(uid);
    if (twin)
      return {
        files,
        reason: `${twin.name} and ${e.name} are the same instance (SOP Instance UID ${uid}).`,
      };
    sops.set(uid, e);
  }
  const first = group[0]!.header;
  const withPositions =
    group.every((e) => e.header.framesGeometry[0]?.position) && first.orientation;
  if (withPositions) {
    const normal = sliceNormal(first.orientation!);
    const along = group.map((e) => {
      const p = e.header.framesGeometry[0]!.position!;
      return { e, d: p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2], p };
    });
    along.sort((a, b) => a.d - b.d);
    const gaps = along.slice(1).map((a, i) => a.d - along[i]!.d);
    const spacing = median(gaps);
    for (let i = 0; i < gaps.length; i++) {
      const gap = gaps[i]!;
      const a = along[i]!.e;
      const b = along[i + 1]!.e;
      if (gap < Math.max(1e-3, spacing * 1e-3))
        return {
          files,
          reason: `${a.name} and ${b.name} have the same slice position (${along[i]!.d.toFixed(2)} mm along the normal); remove duplicates or upload them as separate series.`,
        };
      if (gap > spacing * 1.5)
        return {
          files,
          reason: `Slices are missing between ${a.name} and ${b.name}: a gap of ${gap.toFixed(2)} mm where the spacing is ${spacing.toFixed(2)} mm.`,
        };
    }
    const pixelSpacing = first.pixelSpacing ?? [1, 1];
    const sliceSpacing = spacing || first.sliceThickness || 1;
    return {
      kind: 'volume',
      files: along.map((a) => a.e.index),
      sliceOrder: 'position',
      positions: along.map((a) => a.p),
      spacing: [pixelSpacing[1], pixelSpacing[0], sliceSpacing],
      affine: dicomAffine(
        first.orientation!,
        pixelSpacing,
        along.map((a) => a.p),
        sliceSpacing,
      ),
    };
  }
  const numbers = group.map((e) => e.header.source.instanceNumber);
  if (numbers.every((n) => n !== null)) {
    const sorted = [...group].sort(
      (a, b) => a.header.source.instanceNumber! - b.header.source.instanceNumber!,
    );
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i]!.header.source.instanceNumber === sorted[i - 1]!.header.source.instanceNumber)
        return {
          files,
          reason: `${sorted[i - 1]!.name} and ${sorted[i]!.name} have the same Instance Number (${sorted[i]!.header.source.instanceNumber}) and no slice position to order them by.`,
        };
    const ps = first.pixelSpacing;
    return {
      kind: 'volume',
      files: sorted.map((e) => e.index),
      sliceOrder: 'instance-number',
      positions: sorted.map(() => null),
      spacing: ps ? [ps[1], ps[0], first.sliceThickness ?? 1] : [],
    };
  }
  return {
    files,
    reason: `The files of series ${seriesName} (${names(group)}) have neither Image Position (Patient) nor Instance Number, so their order is unknown.`,
  };
}

function sequencePlan(entry: DicomEntry): DicomPlan {
  const h = entry.header;
  const positions = h.framesGeometry.map((g) => g.position);
  const known = positions.every((p) => p) && h.orientation && h.pixelSpacing;
  let spacing: number[] = h.pixelSpacing
    ? [h.pixelSpacing[1], h.pixelSpacing[0], h.sliceThickness ?? 1]
    : [];
  let affine: number[] | undefined;
  if (known && positions.length > 1) {
    const p0 = positions[0]!;
    const p1 = positions[positions.length - 1]!;
    const step =
      Math.hypot(p1[0]! - p0[0]!, p1[1]! - p0[1]!, p1[2]! - p0[2]!) / (positions.length - 1);
    if (step > 0) {
      spacing = [h.pixelSpacing![1], h.pixelSpacing![0], step];
      affine = dicomAffine(h.orientation!, h.pixelSpacing!, positions as number[][], step);
    }
  }
  return {
    kind: 'sequence',
    files: [entry.index],
    sliceOrder: 'frame',
    positions,
    spacing,
    ...(affine ? { affine } : {}),
  };
}

export function planDicomSeries(
  entries: DicomEntry[],
  limits: ImageLimits,
): { plans: DicomPlan[]; refusals: DicomRefusal[] } {
  const plans: DicomPlan[] = [];
  const refusals: DicomRefusal[] = [];
  const bySeries = new Map<string, DicomEntry[]>();
  for (const entry of entries) {
    if (entry.header.multiFrame) {
      plans.push(sequencePlan(entry));
      continue;
    }
    const key = entry.header.source.seriesInstanceUid ?? `__alone_${entry.index}`;
    bySeries.set(key, [...(bySeries.get(key) ?? []), entry]);
  }
  for (const series of bySeries.values()) {
    if (series.length === 1) {
      plans.push({ kind: 'image', files: [series[0]!.index] });
      continue;
    }
    const byGeometry = new Map<string, DicomEntry[]>();
    for (const e of series) {
      const key = geometryKey(e.header);
      byGeometry.set(key, [...(byGeometry.get(key) ?? []), e]);
    }
    const groups = [...byGeometry.values()].sort((a, b) => b.length - a.length);
    const note =
      groups.length > 1
        ? `Series split by image size/orientation: ${groups.map((g) => `${g.length} file(s) ${describeKey(g[0]!.header)} (${names(g, 2)})`).join('; ')}.`
        : undefined;
    for (const group of groups) {
      if (group.length === 1) {
        plans.push({ kind: 'image', files: [group[0]!.index], ...(note ? { note } : {}) });
        continue;
      }
      const planned = orderGroup(group, limits);
      if ('reason' in planned) refusals.push(planned);
      else plans.push({ ...planned, ...(note ? { note } : {}) });
    }
  }
  return { plans, refusals };
}
