import { isBuiltin } from 'module';
import type { EngineSetting } from '../config';
import { fail, ok, type Problem, type Result } from '../model';
import type { EngineName } from './connection';
import { NativeChild } from './native/host';
import { unavailable } from './native/operation';
import { withoutNodeSqlite, type NativeProbe } from './native/probe';
import { problem } from '../problems';

export interface EngineChoice {
  readonly engine: EngineName;
  /** What the native probe found (also when it was not chosen). */
  readonly probe?: NativeProbe;
  /** `auto` fell back to sql.js: the one line saying why. */
  readonly note?: Problem;
  /** The native engine's child, started and probed; the operation sends it its task. */
  readonly child?: NativeChild;
}

/**
 * Picks the engine for one operation. The probe runs in the process that will do the work (a forked
 * child), and that same child then runs the task, so choosing native costs no extra process. A failed
 * probe is remembered: this Node will not grow node:sqlite while it runs.
 */
export class EngineChooser {
  private failed: NativeProbe | undefined;
  private found: NativeProbe | undefined;

  /** The engine `choose` would pick, when that is known without starting a process (a cached status needs no child). */
  known(setting: EngineSetting): EngineChoice | undefined {
    if (setting === 'sqljs') return { engine: 'sqljs' };
    if (this.failed) return setting === 'auto' ? { engine: 'sqljs', probe: this.failed, note: fallbackNote(this.failed) } : undefined;
    return this.found ? { engine: 'native', probe: this.found } : undefined;
  }

  async choose(setting: EngineSetting): Promise<Result<EngineChoice, Problem[]>> {
    if (setting === 'sqljs') return ok({ engine: 'sqljs' });
    const probe = this.failed ?? (await this.start());
    if ('child' in probe) return ok({ engine: 'native', probe: probe.probe, child: probe.child });
    if (setting === 'native') return fail([unavailable(probe.reason)]);
    return ok({ engine: 'sqljs', probe, note: fallbackNote(probe) });
  }

  private async start(): Promise<NativeProbe | { probe: NativeProbe; child: NativeChild }> {
    // The child runs this same Node; if it has no node:sqlite at all, no process need be started to learn it.
    if (!isBuiltin('node:sqlite')) {
      this.failed = withoutNodeSqlite();
      return this.failed;
    }
    const child = new NativeChild();
    const probe = await child.probe();
    if (probe.available) {
      this.found = probe;
      return { probe, child };
    }
    child.dispose();
    this.failed = probe;
    return probe;
  }
}

function fallbackNote(probe: NativeProbe): Problem {
  return problem('engine-fallback', `Using the sql.js engine: ${probe.reason}.`, { severity: 'info' });
}
