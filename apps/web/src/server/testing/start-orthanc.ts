/**
 * A real Orthanc with its DICOMweb plugin for tests: own storage folder and config, HTTP on a free
 * loopback port, basic auth, DICOM network off; stopped (and its folder removed) by `stop`.
 * Debian's `orthanc` + `orthanc-dicomweb`; where absent they are installed only as root under CI,
 * otherwise `startOrthanc` returns null and the tests skip with one line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aptGet } from './real-dicom-samples';

const ORTHANC = '/usr/sbin/Orthanc';
const PLUGIN_DIRS = ['/usr/share/orthanc/plugins', '/usr/lib/orthanc'];

export const ORTHANC_SKIP_REASON =
  'Orthanc with the DICOMweb plugin is not installed (apt-get install orthanc orthanc-dicomweb); PACS tests skipped';

export interface RunningOrthanc {
  /** DICOMweb root, e.g. http://127.0.0.1:PORT/dicom-web */
  dicomweb: string;
  /** Orthanc's REST API root. */
  rest: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

function plugin(): string | null {
  for (const dir of PLUGIN_DIRS) {
    for (const name of ['libOrthancDicomWeb.so', 'libOrthancDicomWeb.so.1.7'])
      if (existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

function installable(): boolean {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return root && !!process.env['CI'];
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export async function startOrthanc(): Promise<RunningOrthanc | null> {
  if ((!existsSync(ORTHANC) || !plugin()) && installable())
    aptGet(
      'test -x /usr/sbin/Orthanc && test -e /usr/share/orthanc/plugins/libOrthancDicomWeb.so || (apt-get update -qq && apt-get install -y -qq orthanc orthanc-dicomweb)',
    );
  const pluginPath = plugin();
  if (!existsSync(ORTHANC) || !pluginPath) return null;
  const dir = mkdtempSync(join(tmpdir(), 'loupe-orthanc-'));
  const port = await freeLoopbackPort();
  const username = 'loupe';
  const password = 'orthanc-test-secret';
  const config = {
    Name: 'LoupeTest',
    StorageDirectory: join(dir, 'storage'),
    IndexDirectory: join(dir, 'storage'),
    HttpPort: port,
    DicomServerEnabled: false,
    DicomPort: 0,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { [username]: password },
    HttpThreadsCount: 4,
    ConcurrentJobs: 1,
    StableAge: 1,
    Plugins: [pluginPath],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, Host: `127.0.0.1:${port}` },
  };
  const configPath = join(dir, 'orthanc.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const child: ChildProcess = spawn(ORTHANC, [configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const rest = `http://127.0.0.1:${port}`;
  const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Orthanc exited at start (code ${child.exitCode}): ${log}`);
    }
    try {
      const response = await fetch(`${rest}/system`, { headers: { Authorization: auth } });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Orthanc did not start within 30 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    dicomweb: `${rest}/dicom-web`,
    rest,
    username,
    password,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Uploads Part 10 files through Orthanc's REST API (test setup, independent of STOW-RS). */
export async function orthancUpload(orthanc: RunningOrthanc, files: Uint8Array[]): Promise<void> {
  const auth = `Basic ${Buffer.from(`${orthanc.username}:${orthanc.password}`).toString('base64')}`;
  for (const bytes of files) {
    const response = await fetch(`${orthanc.rest}/instances`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/dicom' },
      body: Buffer.from(bytes),
    });
    if (!response.ok) throw new Error(`Orthanc refused an instance: HTTP ${response.status}`);
  }
}
