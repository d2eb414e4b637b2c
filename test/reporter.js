// mocha's spec reporter plus one plain closing line, `unit (sqljs, Node 20): N passed, N failed, N skipped`,
// the same shape the integration runner ends with, so every suite reports alike. The suite runs once per
// engine (SQLITE_MIGRATIONS_TEST_ENGINE), and the line says which.
'use strict';

const { Spec } = require('mocha').reporters;

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats;
      const engine = process.env.SQLITE_MIGRATIONS_TEST_ENGINE === 'native' ? 'native' : 'sqljs';
      console.log(`unit (${engine}, Node ${process.versions.node.split('.')[0]}): ${passes} passed, ${failures} failed, ${pending} skipped`);
    });
  }
}

module.exports = SpecWithSummary;
