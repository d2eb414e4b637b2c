// What the .vsix must hold, derived from the repository, and checks on the bytes it actually holds.
'use strict';

const assert = require('node:assert/strict');
const fs = require('fs');
const { builtinModules } = require('module');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BUNDLES = ['extension/dist/extension.js', 'extension/dist/worker.js', 'extension/dist/native.js', 'extension/dist/lintWorker.js', 'extension/dist/cli.js'];
// vsce renames these on the way in; a LICENSE without an extension becomes LICENSE.txt.
const FIXED_ENTRIES = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  ...BUNDLES,
  'extension/dist/sql-wasm.wasm',
  'extension/readme.md',
  'extension/changelog.md',
];
const LICENSE_NAMES = ['extension/LICENSE.txt', 'extension/LICENSE', 'extension/LICENSE.md'];

function filesUnder(folder) {
  const root = path.join(REPO_ROOT, folder);
  return fs.readdirSync(root, { recursive: true }).filter((name) => fs.statSync(path.join(root, name)).isFile());
}

/** Every entry the package must have: the fixed ones, the templates and media/ as they are in the repo. */
function expectedEntries() {
  const copied = ['migrations-template', 'media'].flatMap((folder) =>
    filesUnder(folder).map((name) => `extension/${folder}/${name.split(path.sep).join('/')}`),
  );
  return [...FIXED_ENTRIES, ...copied].sort();
}

/** Missing and unexpected entries, with exactly one license file allowed. */
function compareEntries(names) {
  const licenses = names.filter((name) => LICENSE_NAMES.includes(name));
  const rest = names.filter((name) => !LICENSE_NAMES.includes(name));
  const expected = expectedEntries();
  const missing = expected.filter((name) => !rest.includes(name));
  const unexpected = rest.filter((name) => !expected.includes(name));
  if (licenses.length !== 1) missing.push(`exactly one of ${LICENSE_NAMES.join(', ')} (found ${licenses.length})`);
  return { missing, unexpected };
}

function assertNothingForbidden(names) {
  const forbidden = names.filter((name) => /\.map$|(^|\/)node_modules\/|^extension\/(src|out|test)\/|\.ts$|\.vsix$|\.db$/.test(name));
  assert.deepEqual(forbidden, [], 'source maps, node_modules, sources, tests or databases in the package');
}

/** The bundles run without node_modules: they may require only Node's built-ins (and `vscode`, the extension). */
function assertSelfContainedBundles(byName) {
  const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
  for (const name of BUNDLES) {
    const text = byName.get(name).read().toString('utf8');
    const required = [...text.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((match) => match[1]);
    const allowed = (id) => builtins.has(id) || (id === 'vscode' && name.endsWith('/extension.js'));
    assert.deepEqual([...new Set(required.filter((id) => !allowed(id)))], [], `${name} requires modules that are not shipped`);
    assert.ok(!/sourceMappingURL=/.test(text), `${name} points at a source map: not a --production build`);
  }
}

function pngSize(bytes) {
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', 'the icon is not a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The packaged manifest agrees with the repo's and every file it names is in the package. */
function assertManifest(byName) {
  const packaged = JSON.parse(byName.get('extension/package.json').read().toString('utf8'));
  const repo = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  for (const key of ['name', 'publisher', 'version', 'main']) assert.equal(packaged[key], repo[key], `package.json ${key}`);
  assert.ok(byName.has(`extension/${path.posix.normalize(packaged.main)}`), `main ${packaged.main} is not in the package`);
  const named = [...new Set(JSON.stringify(packaged).match(/media\/[\w.-]+/g) ?? [])];
  for (const file of named) assert.ok(byName.has(`extension/${file}`), `package.json names ${file}, which is not in the package`);
  assert.ok(packaged.icon, 'package.json has no "icon"');
  const icon = pngSize(byName.get(`extension/${packaged.icon}`).read());
  assert.ok(icon.width >= 128 && icon.width === icon.height, `the icon is ${icon.width}x${icon.height}, wants a square of at least 128`);
  return packaged;
}

/** Files copied as they are must be byte-identical to their sources. */
function assertCopiedBytes(byName) {
  const sources = new Map([['extension/dist/sql-wasm.wasm', require.resolve('sql.js/dist/sql-wasm.wasm', { paths: [REPO_ROOT] })]]);
  for (const name of filesUnder('migrations-template')) {
    sources.set(`extension/migrations-template/${name}`, path.join(REPO_ROOT, 'migrations-template', name));
  }
  for (const [entry, source] of sources) {
    assert.ok(byName.has(entry), `${entry} is not in the package`);
    assert.ok(byName.get(entry).read().equals(fs.readFileSync(source)), `${entry} differs from ${path.relative(REPO_ROOT, source)}`);
  }
}

module.exports = { compareEntries, assertNothingForbidden, assertSelfContainedBundles, assertManifest, assertCopiedBytes, REPO_ROOT };
