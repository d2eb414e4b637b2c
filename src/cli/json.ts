import type { OperationResult } from '../core/engine';

/**
 * The documented `status --json` document; its field names are a contract with CI scripts, so fields are added,
 * never renamed. A failed migration was not applied: its ledger time is `failedAt`, and it has no applied checksum.
 */
export function statusJson(r: Pick<OperationResult, 'states'>) {
  const failed = (s: OperationResult['states'][number]) => s.row?.status === 'failed';
  return {
    migrations: r.states.map((s) => ({
      sequence: s.migration?.sequenceText ?? (s.sequence === undefined ? null : String(s.sequence)),
      name: s.name,
      version: s.version,
      description: s.description,
      status: s.status,
      checksum: s.migration?.checksum ?? null,
      appliedChecksum: failed(s) ? null : s.row?.checksum ?? null,
      appliedAt: s.row && s.status !== 'pending' && !failed(s) ? s.row.appliedAt : null,
      failedAt: failed(s) ? s.row?.appliedAt ?? null : null,
      executionTimeMs: s.row?.executionTimeMs ?? null,
    })),
  };
}
