/** QIDO-RS search of the project's PACS: studies (patient, date, modality) or a study's series. */
import type { Db } from '@loupe/db';
import { z } from 'zod';
import { jsonValue, qidoSearch } from './dicomweb-client';
import { loadPacsConnection } from './pacs-connection';

export const pacsSearchInput = z.object({
  level: z.enum(['studies', 'series']),
  patientName: z.string().max(64).optional(),
  patientId: z.string().max(64).optional(),
  /** DICOM date or range: 20240101, 20240101-20241231. */
  studyDate: z
    .string()
    .regex(/^\d{8}(-\d{8})?$|^-\d{8}$|^\d{8}-$/, 'Dates are YYYYMMDD or YYYYMMDD-YYYYMMDD.')
    .optional(),
  modality: z.string().max(16).optional(),
  studyInstanceUid: z
    .string()
    .regex(/^[\d.]+$/)
    .max(64)
    .optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type PacsSearchInput = z.infer<typeof pacsSearchInput>;

export interface PacsRow {
  studyInstanceUid: string | null;
  seriesInstanceUid: string | null;
  patientName: string | null;
  patientId: string | null;
  studyDate: string | null;
  studyDescription: string | null;
  seriesDescription: string | null;
  modality: string | null;
  seriesNumber: string | null;
  instances: number | null;
}

export async function searchPacs(
  db: Db,
  projectId: string,
  input: PacsSearchInput,
): Promise<PacsRow[]> {
  const conn = await loadPacsConnection(db, projectId);
  const params: Record<string, string> = { limit: String(input.limit) };
  if (input.patientName)
    params['PatientName'] = input.patientName.includes('*')
      ? input.patientName
      : `*${input.patientName}*`;
  if (input.patientId) params['PatientID'] = input.patientId;
  if (input.studyDate) params['StudyDate'] = input.studyDate;
  const fields = [
    '00100010',
    '00100020',
    '00080020',
    '00081030',
    '0008103E',
    '00080060',
    '00200011',
    '00201208',
    '00201209',
  ];
  params['includefield'] = fields.join(',');
  let path = 'studies';
  if (input.level === 'studies') {
    if (input.modality) params['ModalitiesInStudy'] = input.modality;
    if (input.studyInstanceUid) params['StudyInstanceUID'] = input.studyInstanceUid;
  } else {
    if (input.modality) params['Modality'] = input.modality;
    path = input.studyInstanceUid ? `studies/${input.studyInstanceUid}/series` : 'series';
  }
  const items = await qidoSearch(conn, path, params);
  return items.map((item) => {
    const count = jsonValue(item, '00201209') ?? jsonValue(item, '00201208');
    return {
      studyInstanceUid: jsonValue(item, '0020000D'),
      seriesInstanceUid: jsonValue(item, '0020000E'),
      patientName: jsonValue(item, '00100010'),
      patientId: jsonValue(item, '00100020'),
      studyDate: jsonValue(item, '00080020'),
      studyDescription: jsonValue(item, '00081030'),
      seriesDescription: jsonValue(item, '0008103E'),
      modality: jsonValue(item, '00080060') ?? jsonValue(item, '00080061'),
      seriesNumber: jsonValue(item, '00200011'),
      instances: count === null ? null : Number(count),
    };
  });
}
