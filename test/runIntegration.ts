// Runs the integration suite in desktop VS Code through @vscode/test-electron (which downloads VS Code,
// so it needs the internet; CI uses test/host/run-tests.js instead). Same suite, same fixtures, same
// passes: a trusted run for the main suite, a Restricted Mode run for tests tagged @untrusted, and a
// multi-root workspace run for tests tagged @multiroot.
//
//   npm run build && npm run compile-tests && node out/test/runIntegration.js [fixture-folder]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const OUT_DIR = path.join(REPO_ROOT, 'out', 'test', 'integration');
const UNTRUSTED_TAG = '@untrusted'; // as in test/integration/index.ts
const MULTIROOT_TAG = '@multiroot';
const MULTIROOT_FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'multiroot');

function hasTaggedTests(tag: string): boolean {
  return fs
    .readdirSync(OUT_DIR, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .some((name) => fs.readFileSync(path.join(OUT_DIR, name), 'utf8').includes(tag));
}

/** A fresh user-data folder whose settings keep start-up quiet; no trust prompt blocks the untrusted run. */
function userDataDir(scratch: string): string {
  const dir = path.join(scratch, 'user-data');
  const settings = { 'workbench.startupEditor': 'none', 'security.workspace.trust.startupPrompt': 'never' };
  fs.mkdirSync(path.join(dir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  return dir;
}

/** One VS Code run on a fresh copy of the fixture (a folder, or the .code-workspace inside it); rejects when a test fails. */
async function runOnce(fixture: string, trusted: boolean, workspaceFile?: string): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-migrations-electron-'));
  const copy = path.join(scratch, 'workspace');
  fs.cpSync(fixture, copy, { recursive: true });
  const workspace = workspaceFile ? path.join(copy, workspaceFile) : copy;
  try {
    await runTests({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(OUT_DIR, 'index'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${userDataDir(scratch)}`,
        ...(trusted ? ['--disable-workspace-trust'] : []),
      ],
    });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const fixture = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'));
  await runOnce(fixture, true);
  if (hasTaggedTests(UNTRUSTED_TAG)) await runOnce(fixture, false);
  if (hasTaggedTests(MULTIROOT_TAG)) await runOnce(MULTIROOT_FIXTURE, true, 'multiroot.code-workspace');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
