// A small fake of the parts of the `vscode` API that src/vscode uses, so the adapters' logic (the model's
// queue and cache, the commands' choices, debouncing, the status bar's text) gets fast plain-Node tests.
// It renders nothing and decides nothing; what VS Code itself shows is tested in the real host
// (test/integration, test/ui). `installFakeVscode()` makes `require('vscode')` return this module.
import Module = require('module');
import * as path from 'path';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (fn: Listener<T>) => {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  };
  fire(e: T): void {
    for (const fn of [...this.listeners]) fn(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  dispose(): void {
    this.fn();
  }
}

export class Uri {
  readonly scheme = 'file';
  private constructor(readonly fsPath: string) {}
  get path(): string {
    return this.fsPath;
  }
  static file(p: string): Uri {
    return new Uri(path.resolve(p));
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}

export class Range {
  constructor(readonly startLine: number, readonly startCharacter: number, readonly endLine: number, readonly endCharacter: number) {}
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export class Diagnostic {
  code?: string;
  source?: string;
  constructor(readonly range: Range, readonly message: string, readonly severity: DiagnosticSeverity) {}
}

export class CodeActionKind {
  static readonly QuickFix = new CodeActionKind('quickfix');
  constructor(readonly value: string) {}
}

/** Records its replacements: [uri, range, text]. */
export class WorkspaceEdit {
  readonly replacements: [Uri, Range, string][] = [];
  replace(uri: Uri, range: Range, text: string): void {
    this.replacements.push([uri, range, text]);
  }
}

export class CodeAction {
  diagnostics?: Diagnostic[];
  isPreferred?: boolean;
  edit?: WorkspaceEdit;
  command?: { title: string; command: string; arguments?: unknown[] };
  constructor(readonly title: string, readonly kind: CodeActionKind) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  static readonly Folder = new ThemeIcon('folder');
  constructor(readonly id: string, readonly color?: ThemeColor) {}
}

export class MarkdownString {
  value = '';
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class TreeItem {
  description?: string;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon;
  contextValue?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
  resourceUri?: Uri;
  id?: string;
  accessibilityInformation?: { label: string };
  constructor(readonly label: string, readonly collapsibleState: TreeItemCollapsibleState) {}
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export interface FakeFolder {
  readonly uri: Uri;
  readonly name: string;
  readonly index: number;
}

/** What a test sets and reads: folders, settings, trust, the answers to prompts and what was shown. */
export const fake = {
  folders: [] as FakeFolder[],
  settings: {} as Record<string, unknown>,
  trusted: true,
  /** The button a modal or notification "clicks"; undefined dismisses it. */
  answer: undefined as string | undefined,
  /** What is typed into an input box; undefined presses Escape. The prompts shown are kept in `asked`. */
  typed: undefined as string | undefined,
  asked: [] as string[],
  /** The label picked in a quick pick; undefined presses Escape. The quick picks' titles are kept in `picks`. */
  pick: undefined as string | undefined,
  picks: [] as string[],
  shown: [] as { kind: 'info' | 'warning' | 'error'; message: string }[],
  logged: [] as string[],
  documents: [] as { uri: Uri; getText(): string; isDirty?: boolean; save?(): Promise<boolean> }[],
  onDidChangeTextDocument: new EventEmitter<{ document: { uri: Uri; getText(): string } }>(),
  /** What the diagnostic collection holds, by file. */
  diagnostics: new Map<string, Diagnostic[]>(),
  /** Webview panels created (the report view), open or closed. */
  panels: [] as FakePanel[],
  /** Commands registered, by id, so a test can run them as the palette would. */
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  reset(): void {
    this.folders = [];
    this.settings = {};
    this.trusted = true;
    this.answer = undefined;
    this.typed = undefined;
    this.asked = [];
    this.pick = undefined;
    this.picks = [];
    this.shown = [];
    this.logged = [];
    this.documents = [];
    this.panels = [];
    this.diagnostics.clear();
  },
  folder(dir: string, index = 0): FakeFolder {
    return { uri: Uri.file(dir), name: path.basename(dir), index };
  },
};

const noEvent = () => ({ dispose: () => undefined });

export const workspace = {
  get workspaceFolders() {
    return fake.folders;
  },
  get isTrusted() {
    return fake.trusted;
  },
  get textDocuments() {
    return fake.documents;
  },
  getConfiguration(section: string) {
    return {
      get: <T>(key: string): T | undefined => fake.settings[`${section}.${key}`] as T | undefined,
      update: async (key: string, value: unknown) => void (fake.settings[`${section}.${key}`] = value),
    };
  },
  getWorkspaceFolder(uri: Uri) {
    return fake.folders.find((f) => uri.fsPath === f.uri.fsPath || uri.fsPath.startsWith(f.uri.fsPath + path.sep));
  },
  asRelativePath(p: string) {
    return p;
  },
  onDidChangeTextDocument: fake.onDidChangeTextDocument.event,
  onDidOpenTextDocument: noEvent,
  onDidCloseTextDocument: noEvent,
  onDidChangeConfiguration: noEvent,
  onDidChangeWorkspaceFolders: noEvent,
  onDidGrantWorkspaceTrust: noEvent,
};

function show(kind: 'info' | 'warning' | 'error') {
  return async (message: string, ...items: unknown[]) => {
    // A modal's detail is shown under its message: recorded as one text, a blank line between.
    const detail = (items[0] as { detail?: string } | undefined)?.detail;
    fake.shown.push({ kind, message: detail ? `${message}\n\n${detail}` : message });
    return items.some((i) => i === fake.answer) ? fake.answer : undefined;
  };
}

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
}

/** A webview panel: its title and html as set, whether it is still open. */
export class FakePanel {
  html = '';
  open = true;
  reveals = 0;
  private readonly disposed = new EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  readonly webview = {
    cspSource: 'fake-csp',
    set html(value: string) {
      this.owner.html = value;
    },
    get html(): string {
      return this.owner.html;
    },
    owner: this as FakePanel,
  };
  constructor(public title: string) {}
  reveal(): void {
    this.reveals++;
  }
  dispose(): void {
    this.open = false;
    this.disposed.fire();
  }
}

export const window = {
  createWebviewPanel(_viewType: string, title: string) {
    const panel = new FakePanel(title);
    fake.panels.push(panel);
    return panel;
  },
  showInformationMessage: show('info'),
  showWarningMessage: show('warning'),
  showErrorMessage: show('error'),
  withProgress: <T>(_options: unknown, task: () => Promise<T>) => task(),
  showWorkspaceFolderPick: async () => fake.folders[0],
  showQuickPick: async <T extends { label: string }>(items: readonly T[], options?: { title?: string }) => {
    fake.picks.push(options?.title ?? '');
    return items.find((i) => i.label === fake.pick);
  },
  showInputBox: async (options: { prompt?: string }) => {
    fake.asked.push(options.prompt ?? '');
    return fake.typed;
  },
  showTextDocument: async () => undefined,
  createStatusBarItem() {
    return { text: '', tooltip: '' as unknown, command: undefined as unknown, name: '', visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} };
  },
  createOutputChannel() {
    const log = (m: string) => fake.logged.push(m);
    return { info: log, warn: log, error: log, show() {}, dispose() {} };
  },
};

export const languages = {
  createDiagnosticCollection() {
    const map = fake.diagnostics;
    return {
      set: (uri: Uri, diagnostics: Diagnostic[]) => void map.set(uri.fsPath, diagnostics),
      get: (uri: Uri) => map.get(uri.fsPath) ?? [],
      delete: (uri: Uri) => void map.delete(uri.fsPath),
      clear: () => map.clear(),
      dispose: () => map.clear(),
    };
  },
};

export const commands = {
  registerCommand(id: string, fn: (...args: unknown[]) => unknown) {
    fake.commands.set(id, fn);
    return new Disposable(() => fake.commands.delete(id));
  },
  executeCommand: async (id: string, ...args: unknown[]) => fake.commands.get(id)?.(...args),
};

/** Makes every `require('vscode')` from here on return this module. */
export function installFakeVscode(): void {
  const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = mod._resolveFilename;
  if ((original as { fake?: boolean }).fake) return;
  const resolve = function (this: unknown, request: string, ...rest: unknown[]): string {
    return request === 'vscode' ? __filename : original.call(this, request, ...rest);
  };
  mod._resolveFilename = Object.assign(resolve, { fake: true });
}
