/**
 * Where slice k lies along the volume's slice axis, in mm: the world position of voxel (0, 0, k)
 * projected on the slice normal (the affine's third column, normalised). Without an affine, k times
 * the slice spacing; without either, null. Shown beside the slice index on the volume page.
 */
export function slicePositionMm(
  affine: readonly number[],
  spacing: readonly number[],
  k: number,
): number | null {
  if (affine.length === 16) {
    const column = [affine[2] as number, affine[6] as number, affine[10] as number];
    const length = Math.hypot(...column);
    if (length > 0) {
      const world = [0, 1, 2].map(
        (r) => (affine[r * 4 + 2] as number) * k + (affine[r * 4 + 3] as number),
      );
      return world.reduce((sum, w, r) => sum + w * ((column[r] as number) / length), 0);
    }
  }
  const dz = spacing[2];
  return dz !== undefined && dz > 0 ? k * dz : null;
}
