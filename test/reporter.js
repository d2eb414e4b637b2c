// mocha's spec reporter plus one plain closing line, `unit: N passed, N failed, N skipped`,
// the same shape the integration runner ends with, so every suite reports alike.
'use strict';

const { Spec } = require('mocha').reporters;

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats;
      console.log(`unit: ${passes} passed, ${failures} failed, ${pending} skipped`);
    });
  }
}

module.exports = SpecWithSummary;
