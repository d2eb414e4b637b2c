import type { OperationResult } from '../core/engine';

/** The documented `status --json` document; its field names are a contract with CI scripts. */
export function statusJson(r: Pick<OperationResult, 'states'>) {
  return {
    migrations: r.states.map((s) => ({
      sequence: s.migration?.sequenceText ?? (s.sequence === undefined ? null : String(s.sequence)),
      name: s.name,
      version: s.version,
      description: s.description,
      status: s.status,
      checksum: s.migration?.checksum ?? null,
      appliedChecksum: s.row?.checksum ?? null,
      appliedAt: s.row && s.status !== 'pending' ? s.row.appliedAt : null,
      executionTimeMs: s.row?.executionTimeMs ?? null,
    })),
  };
}
