/**
 * Volume geometry: voxel (i = column, j = row, k = slice) -> world mm as a row-major 4x4 in RAS+
 * (NIfTI's convention). DICOM patient coordinates are LPS, so x and y change sign.
 */

export type Affine = number[];

/** DICOM series/frames -> RAS affine. `positions` are ImagePositionPatient of the ordered slices. */
export function dicomAffine(
  orientation: number[],
  pixelSpacing: [number, number],
  positions: number[][],
  sliceSpacing: number,
): Affine {
  const [rx, ry, rz, cx, cy, cz] = orientation as [number, number, number, number, number, number];
  const [rowSpacing, colSpacing] = pixelSpacing;
  const first = positions[0] as number[];
  const last = positions[positions.length - 1] as number[];
  let kx: number;
  let ky: number;
  let kz: number;
  if (positions.length > 1) {
    const n = positions.length - 1;
    kx = ((last[0] as number) - (first[0] as number)) / n;
    ky = ((last[1] as number) - (first[1] as number)) / n;
    kz = ((last[2] as number) - (first[2] as number)) / n;
  } else {
    const normal = sliceNormal(orientation);
    kx = normal[0] * sliceSpacing;
    ky = normal[1] * sliceSpacing;
    kz = normal[2] * sliceSpacing;
  }
  // LPS columns: i moves along the row direction by the column spacing, j along the column
  // direction by the row spacing.
  const lps = [
    [rx * colSpacing, cx * rowSpacing, kx, first[0] as number],
    [ry * colSpacing, cy * rowSpacing, ky, first[1] as number],
    [rz * colSpacing, cz * rowSpacing, kz, first[2] as number],
  ];
  return [
    ...(lps[0] as number[]).map((v) => -v),
    ...(lps[1] as number[]).map((v) => -v),
    ...(lps[2] as number[]),
    0,
    0,
    0,
    1,
  ].map((v) => (Object.is(v, -0) ? 0 : v));
}

/** Row x column direction cosines: the slice normal. */
export function sliceNormal(orientation: number[]): [number, number, number] {
  const [rx, ry, rz, cx, cy, cz] = orientation as [number, number, number, number, number, number];
  return [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
}

/** Applies a row-major 4x4 affine to voxel (i, j, k). */
export function applyAffine(
  affine: Affine,
  i: number,
  j: number,
  k: number,
): [number, number, number] {
  const a = (r: number, c: number) => affine[r * 4 + c] as number;
  return [0, 1, 2].map((r) => a(r, 0) * i + a(r, 1) * j + a(r, 2) * k + a(r, 3)) as [
    number,
    number,
    number,
  ];
}

export interface Quatern {
  b: number;
  c: number;
  d: number;
  qx: number;
  qy: number;
  qz: number;
  dx: number;
  dy: number;
  dz: number;
  qfac: number;
}

/**
 * The NIfTI qform parameters of an affine (port of nifti1_io's mat44_to_quatern: orthogonalise the
 * rotation, pick qfac from the determinant, read the quaternion off the proper rotation).
 */
export function affineToQuatern(affine: Affine): Quatern {
  const m = (r: number, c: number) => affine[r * 4 + c] as number;
  const qx = m(0, 3);
  const qy = m(1, 3);
  const qz = m(2, 3);
  let r11 = m(0, 0);
  let r12 = m(0, 1);
  let r13 = m(0, 2);
  let r21 = m(1, 0);
  let r22 = m(1, 1);
  let r23 = m(1, 2);
  let r31 = m(2, 0);
  let r32 = m(2, 1);
  let r33 = m(2, 2);
  let dx = Math.hypot(r11, r21, r31);
  let dy = Math.hypot(r12, r22, r32);
  let dz = Math.hypot(r13, r23, r33);
  if (dx === 0) {
    r11 = 1;
    r21 = r31 = 0;
    dx = 1;
  }
  if (dy === 0) {
    r22 = 1;
    r12 = r32 = 0;
    dy = 1;
  }
  if (dz === 0) {
    r33 = 1;
    r13 = r23 = 0;
    dz = 1;
  }
  r11 /= dx;
  r21 /= dx;
  r31 /= dx;
  r12 /= dy;
  r22 /= dy;
  r32 /= dy;
  r13 /= dz;
  r23 /= dz;
  r33 /= dz;
  let det =
    r11 * r22 * r33 -
    r11 * r32 * r23 -
    r21 * r12 * r33 +
    r21 * r32 * r13 +
    r31 * r12 * r23 -
    r31 * r22 * r13;
  let qfac = 1;
  if (det <= 0) {
    qfac = -1;
    r13 = -r13;
    r23 = -r23;
    r33 = -r33;
    det = -det;
  }
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, qx, qy, qz, dx, dy, dz, qfac };
}

/** The affine a qform describes (NIfTI method 2), for checking affineToQuatern. */
export function quaternToAffine(q: Quatern): Affine {
  const a = Math.sqrt(Math.max(0, 1 - (q.b * q.b + q.c * q.c + q.d * q.d)));
  const { b, c, d } = q;
  const R = [
    [a * a + b * b - c * c - d * d, 2 * b * c - 2 * a * d, 2 * b * d + 2 * a * c],
    [2 * b * c + 2 * a * d, a * a + c * c - b * b - d * d, 2 * c * d - 2 * a * b],
    [2 * b * d - 2 * a * c, 2 * c * d + 2 * a * b, a * a + d * d - c * c - b * b],
  ];
  const scale = [q.dx, q.dy, q.dz * q.qfac];
  const t = [q.qx, q.qy, q.qz];
  const out: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (let k = 0; k < 3; k++) out.push((R[r]![k] as number) * (scale[k] as number));
    out.push(t[r] as number);
  }
  return [...out, 0, 0, 0, 1];
}
