/**
 * safetensors, written and read by hand: 8-byte little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then the
 * raw little-endian tensor bytes. Readable by the `safetensors` Python/Rust tools.
 */
export interface NamedTensor {
  data: Float32Array;
  shape: number[];
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

export function encodeSafetensors(
  tensors: Map<string, NamedTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name) as NamedTensor;
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== expected)
      throw new SafetensorsError(
        `tensor ${name}: ${t.data.length} values for shape [${t.shape.join(', ')}]`,
      );
    header[name] = {
      dtype: 'F32',
      shape: t.shape,
      data_offsets: [offset, offset + t.data.byteLength],
    };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned (as the reference writer does).
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (const name of names) {
    const t = tensors.get(name) as NamedTensor;
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (littleEndian) out.set(bytes, at);
    else
      for (let i = 0; i < t.data.length; i++)
        view.setFloat32(at + 4 * i, t.data[i] as number, true);
    at += t.data.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array): {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
} {
  if (bytes.length < 8)
    throw new SafetensorsError(`file too short (${bytes.length} bytes) for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length)
    throw new SafetensorsError(`header length ${headerLength} exceeds file size ${bytes.length}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8'),
    ) as Record<string, unknown>;
  } catch (error) {
    throw new SafetensorsError(`header is not valid JSON: ${(error as Error).message}`);
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (e.dtype !== 'F32')
      throw new SafetensorsError(`tensor ${name}: dtype ${e.dtype} not supported (F32 only)`);
    const [begin, end] = e.data_offsets;
    const count = (end - begin) / 4;
    if (count !== e.shape.reduce((a, b) => a * b, 1))
      throw new SafetensorsError(
        `tensor ${name}: ${end - begin} bytes for shape [${e.shape.join(', ')}]`,
      );
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + begin + 4 * i, true);
    tensors.set(name, { data, shape: e.shape });
  }
  return { tensors, metadata };
}
