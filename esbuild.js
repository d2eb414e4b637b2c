// Bundles the extension, the CLI, the migration worker and the lint worker; sql.js is bundled and its wasm copied beside them.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').Plugin} */
const problemMatcher = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

function copyWasm() {
  fs.mkdirSync('dist', { recursive: true });
  const wasm = require.resolve('sql.js/dist/sql-wasm.wasm');
  fs.copyFileSync(wasm, path.join('dist', 'sql-wasm.wasm'));
}

async function main() {
  copyWasm();
  const ctx = await esbuild.context({
    entryPoints: {
      extension: 'src/extension.ts',
      cli: 'src/cli.ts',
      worker: 'src/core/engine/sqljs/worker.ts',
      native: 'src/core/engine/native/child.ts',
      lintWorker: 'src/core/lint/lintWorker.ts',
    },
    bundle: true,
    format: 'cjs',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    platform: 'node',
    target: 'node20',
    outdir: 'dist',
    external: ['vscode'],
    define: { PACKAGE_VERSION: JSON.stringify(require('./package.json').version) },
    logLevel: 'silent',
    plugins: watch ? [problemMatcher] : [],
  });
  if (watch) {
    await ctx.watch();
  } else {
    await ctx.rebuild();
    await ctx.dispose();
    fs.chmodSync(path.join('dist', 'cli.js'), 0o755);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
