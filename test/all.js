#!/usr/bin/env node
// `npm test`: every suite in turn (unit on sql.js and on native, the real VS Code host, the packaged
// .vsix), each printing its own `<suite>: N passed, N failed` line, then one closing line over all of them:
// `total: N passed, N failed`. Compile or lint errors stop the run; a failing suite does not stop the others.
// Each failure's report is printed again just above the totals: a long run's log is often read from its end.
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

// Where a failure's report starts: mocha's "N failing" (unit and integration runs, both on stdout) and the
// UI runner's "  ✘ module: error" (on stderr); it ends at the next line of a passing test or a summary line.
const FAILURE_START = /^\s*\d+ failing\b|^\s*✘ /;
const FAILURE_END = /^\s*✔ |^[\w-]+(?: \(.*\))?: \d+ passed, \d+ failed|^\[test host\] finished/;
const FAILURE_MAX_LINES = 80;

/** Keeps the lines of the failure reports among a step's output lines (both streams, as they come). */
function failureCollector() {
  const kept = [];
  let inside = false;
  return {
    kept,
    line(raw) {
      const line = raw.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r$/, '');
      if (FAILURE_START.test(line)) inside = true;
      else if (FAILURE_END.test(line)) inside = false;
      if (inside && kept.length < FAILURE_MAX_LINES) kept.push(line);
    },
  };
}

/**
 * Runs one step with its output passed through; resolves with its exit code, the summary line and the lines
 * of its failure reports.
 */
function runStep(step) {
  return new Promise((resolve) => {
    const child = spawn(step.args[0], step.args.slice(1), { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const failures = failureCollector();
    let summary;
    const follow = (stream, sink) => {
      let rest = '';
      stream.on('data', (chunk) => {
        sink.write(chunk);
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop();
        for (const line of lines) {
          failures.line(line);
          if (step.counts?.test(line.trim())) summary = line.trim();
        }
      });
      stream.on('end', () => {
        failures.line(rest);
        if (step.counts?.test(rest.trim())) summary = rest.trim();
      });
    };
    follow(child.stdout, process.stdout);
    follow(child.stderr, process.stderr);
    child.on('error', (err) => {
      console.error(`${step.args.join(' ')}: ${err.message}`);
      resolve({ code: 1, summary, failures: failures.kept });
    });
    child.on('close', (code) => resolve({ code: code ?? 1, summary, failures: failures.kept }));
  });
}

/** `N passed, N failed` from a summary line. */
function counts(line) {
  const match = /(\d+) passed, (\d+) failed/.exec(line);
  return { passed: Number(match[1]), failed: Number(match[2]) };
}

async function main() {
  const summaries = [];
  const failureReports = [];
  let failed = false;
  for (const step of STEPS) {
    const { code, summary, failures } = await runStep(step);
    while (failures.at(-1)?.trim() === '') failures.pop();
    if (failures.length > 0) failureReports.push(`${step.args.slice(1).join(' ')}:`, ...failures, '');
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
  if (failureReports.length > 0) console.log(['failures, again:', ...failureReports].join('\n'));
  for (const line of summaries) console.log(line);
  console.log(`total: ${total.passed} passed, ${total.failed} failed`);
  return failed || total.failed > 0 ? 1 : 0;
}

main().then((code) => process.exit(code));
