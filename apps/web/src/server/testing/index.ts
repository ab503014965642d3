/**
 * @loupe/web/testing: the web app's server services that tests and benchmarks call in-process,
 * the one door into the app they may use (eslint.config.mjs allows it for bench and tests/e2e
 * only). Accounts (there is no sign-up page), the demo seed, image ingest, the dashboard query and
 * its bulk seed, session tokens for signing a browser in, and real DICOM samples / a real Orthanc
 * for the DICOM and PACS tests, and small NIfTI files for the volume test. Everything else goes over HTTP.
 */
export { env as webEnv } from '../../env';
export { createSessionToken, hashSessionToken, SESSION_COOKIE } from '../auth/session-token';
export { seedDemo } from '../seed/seed-demo';
export { loadDashboard } from '../services/dashboard/load-dashboard';
export { getMaskEfficiency } from '../services/dashboard/get-mask-efficiency';
export {
  seedDashboardBulk,
  type BulkSeedResult,
} from '../services/dashboard/testing/seed-dashboard-bulk';
export { ingestImage } from '../services/images/ingest-image';
export { ingestUpload } from '../services/images/ingest-upload';
export { closeDecodePool } from '../services/images/decode-pool';
export { upsertUser } from '../services/users/create-user';
export { dicomSeries16, type DicomSeriesFile, type DicomSeriesGeometry } from './dicom-series';
export { nifti16 } from './medical-formats';
export { pydicomTestFiles, SAMPLES_SKIP_REASON } from './real-dicom-samples';
export {
  ORTHANC_SKIP_REASON,
  orthancUpload,
  startOrthanc,
  type RunningOrthanc,
} from './start-orthanc';
