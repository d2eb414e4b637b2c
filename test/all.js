#!/usr/bin/env node
// `npm test`: every suite in turn (unit on sql.js and on native, the real VS Code host, the packaged
// .vsix), each printing its own `<suite>: N passed, N failed` line, then one closing line over all of them:
// `total: N passed, N failed`. Compile or lint errors stop the run; a failing suite does not stop the others.
'use strict';

const { spawn } = require('child_process');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const node = process.execPath;

// `counts` names the summary line a step ends with (see test/reporter.js, test/host/run-tests.js and
// test/package/check-vsix.js); steps without one only have to succeed.
const STEPS = [
  { args: [node, 'test/host/install.js'], gate: true },
  { args: [npm, 'run', '--silent', 'compile'], gate: true },
  { args: [npm, 'run', '--silent', 'lint'], gate: true },
  { args: [node, 'node_modules/mocha/bin/mocha.js'], counts: /^unit \(.*\): \d+ passed/ },
  { args: [node, 'test/run-unit-native.js'], counts: /^unit \(.*\): \d+ passed/ },
  { args: [node, 'test/host/run-tests.js', '--no-install', '--ui', 'test/ui', '--artifacts'], counts: /^integration-total: \d+ passed/ },
  { args: [npm, 'run', '--silent', 'package'], gate: true },
  { args: [node, 'test/package/check-vsix.js', '--no-install'], counts: /^package: \d+ passed/ },
  // The package step leaves a production build in dist/; put the development build back.
  { args: [node, 'esbuild.js'] },
];

/** Runs one step with its output passed through; resolves with its exit code and the summary line. */
function runStep(step) {
  return new Promise((resolve) => {
    const child = spawn(step.args[0], step.args.slice(1), { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    let summary;
    let rest = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop();
      for (const line of lines) if (step.counts?.test(line.trim())) summary = line.trim();
    });
    child.on('error', (err) => {
      console.error(`${step.args.join(' ')}: ${err.message}`);
      resolve({ code: 1, summary });
    });
    child.on('close', (code) => {
      if (step.counts?.test(rest.trim())) summary = rest.trim();
      resolve({ code: code ?? 1, summary });
    });
  });
}

/** `N passed, N failed` from a summary line. */
function counts(line) {
  const match = /(\d+) passed, (\d+) failed/.exec(line);
  return { passed: Number(match[1]), failed: Number(match[2]) };
}

async function main() {
  const summaries = [];
  let failed = false;
  for (const step of STEPS) {
    const { code, summary } = await runStep(step);
    if (step.counts) {
      // A suite that ended without its line still counts: as one failure, so the total cannot look clean.
      summaries.push(summary ?? `${path.basename(step.args[1])}: 0 passed, 1 failed (no summary line)`);
    }
    if (code !== 0) {
      failed = true;
      if (step.gate) {
        console.error(`${step.args.slice(1).join(' ')} failed (exit code ${code}); the suites did not run`);
        return 1;
      }
    }
  }
  const total = summaries.map(counts).reduce((a, b) => ({ passed: a.passed + b.passed, failed: a.failed + b.failed }), { passed: 0, failed: 0 });
  console.log('');
  for (const line of summaries) console.log(line);
  console.log(`total: ${total.passed} passed, ${total.failed} failed`);
  return failed || total.failed > 0 ? 1 : 0;
}

main().then((code) => process.exit(code));
