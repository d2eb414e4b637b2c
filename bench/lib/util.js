'use strict';
// Small helpers shared by the benchmark: statistics, timing a child process, formatting.
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const TIME_BIN = '/usr/bin/time';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function sha256(text) {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Runs a command under GNU time: wall time measured here (spawn to exit), CPU time (user + system,
 * all threads; far less disturbed than wall time when other jobs share the machine), peak RSS from `%M`
 * (the largest resident set of the process or any child it waited for). A Node worker thread
 * lives in its process, so our CLI's worker is covered.
 */
function timed(cmd, args, opts = {}) {
  const timeFile = path.join(opts.tmpDir ?? require('os').tmpdir(), `time-${process.pid}-${Date.now()}.txt`);
  const started = process.hrtime.bigint();
  const child = spawnSync(TIME_BIN, ['-f', '%U %S %M', '-o', timeFile, cmd, ...args], {
    cwd: opts.cwd,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: opts.env ?? process.env,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const text = fs.existsSync(timeFile) ? fs.readFileSync(timeFile, 'utf8') : '';
  fs.rmSync(timeFile, { force: true });
  // GNU time prints "Command exited with non-zero status N" before the numbers when the command fails.
  const [user, sys, kb] = text.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, cpuSeconds: user + sys, peakMB: kb / 1024, status: child.status, stdout: child.stdout, stderr: child.stderr, error: child.error };
}

function requireOk(result, what) {
  if (result.error || result.status !== 0) {
    const detail = (result.stderr || '').slice(0, 2000) || (result.stdout || '').slice(0, 2000) || String(result.error);
    throw new Error(`${what} failed (exit ${result.status}): ${detail}`);
  }
  return result;
}

function sh(cmd, args, opts = {}) {
  const what = `${cmd} ${args.join(' ')}`;
  return requireOk(spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts }), what.length > 300 ? `${what.slice(0, 300)}...` : what);
}

function fmtSeconds(s) {
  return s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

function fmtMs(ms) {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

function fmtMB(mb) {
  return `${mb.toFixed(0)} MB`;
}

function log(...parts) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${parts.join(' ')}\n`);
}

function freshDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

module.exports = { median, sha256, timed, sh, requireOk, fmtSeconds, fmtMs, fmtMB, log, freshDir, TIME_BIN };
