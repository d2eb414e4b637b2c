'use strict';
// A minimal stand-in for the `vscode` module, ONLY for timing the extension outside VS Code
// (activation cost, tree items): plain classes that keep what they are given and events that work.
// It renders nothing, so the numbers are our code's share, not VS Code's.
const Module = require('module');

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (fn) => {
      this.listeners.add(fn);
      return { dispose: () => this.listeners.delete(fn) };
    };
  }
  fire(e) {
    for (const fn of [...this.listeners]) fn(e);
  }
  dispose() {
    this.listeners.clear();
  }
}

class Disposable {
  constructor(fn) {
    this.fn = fn;
  }
  dispose() {
    this.fn?.();
  }
  static from(...items) {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
}

const uri = (p) => ({ scheme: 'file', fsPath: p, path: p, toString: () => `file://${p}` });
const noopEvent = () => ({ dispose() {} });

/** Anything the code asks for that is not listed: a function returning a disposable, so wiring works. */
function lenient(target) {
  return new Proxy(target, {
    get(t, key) {
      if (key in t || typeof key === 'symbol') return t[key];
      return () => ({ dispose() {}, show() {}, hide() {} });
    },
  });
}

/** The Testing view's controller: a collection that keeps its items, and run profiles that do nothing. */
function testCollection() {
  const items = new Map();
  return {
    get size() { return items.size; },
    replace(list) { items.clear(); for (const i of list) items.set(i.id, i); },
    add(i) { items.set(i.id, i); },
    delete(id) { items.delete(id); },
    get(id) { return items.get(id); },
    forEach(fn) { items.forEach((i) => fn(i, this)); },
    [Symbol.iterator]() { return items.entries(); },
  };
}

function testController() {
  return {
    items: testCollection(),
    createTestItem: (id, label, uri) => ({ id, label, uri, children: testCollection() }),
    createRunProfile: () => ({ dispose() {} }),
    createTestRun: () => ({ started() {}, passed() {}, failed() {}, errored() {}, skipped() {}, enqueued() {}, appendOutput() {}, end() {} }),
    dispose() {},
  };
}

function makeVscode({ folders = [], settings = {} } = {}) {
  class TreeItem {
    constructor(label, collapsibleState) {
      this.label = label;
      this.collapsibleState = collapsibleState;
    }
  }
  class ThemeIcon {
    constructor(id, color) {
      this.id = id;
      this.color = color;
    }
  }
  ThemeIcon.Folder = new ThemeIcon('folder');
  class MarkdownString {
    constructor(value = '') {
      this.value = value;
    }
    appendMarkdown(s) {
      this.value += s;
      return this;
    }
    appendText(s) {
      this.value += s;
      return this;
    }
    appendCodeblock(s) {
      this.value += `\n\`\`\`\n${s}\n\`\`\`\n`;
      return this;
    }
  }
  const channel = { append() {}, appendLine() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {}, show() {}, clear() {}, dispose() {} };
  const workspaceFolders = folders.map((p, index) => ({ uri: uri(p), name: require('path').basename(p), index }));
  return {
    EventEmitter,
    Disposable,
    TreeItem,
    ThemeIcon,
    ThemeColor: class { constructor(id) { this.id = id; } },
    MarkdownString,
    Uri: { file: uri, joinPath: (u, ...parts) => uri(require('path').join(u.fsPath, ...parts)), parse: (s) => uri(s.replace(/^file:\/\//, '')) },
    RelativePattern: class { constructor(base, pattern) { this.base = base; this.pattern = pattern; } },
    Range: class { constructor(...a) { this.a = a; } },
    Position: class { constructor(line, character) { this.line = line; this.character = character; } },
    Diagnostic: class { constructor(range, message, severity) { Object.assign(this, { range, message, severity }); } },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    CodeAction: class { constructor(title, kind) { Object.assign(this, { title, kind }); } },
    CodeActionKind: { QuickFix: { value: 'quickfix', append: (s) => ({ value: `quickfix.${s}` }) } },
    WorkspaceEdit: class { replace() {} },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    window: lenient({
      createOutputChannel: () => channel,
      createTreeView: () => ({ dispose() {}, onDidChangeVisibility: noopEvent }),
      createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    }),
    workspace: lenient({
      workspaceFolders,
      isTrusted: true,
      textDocuments: [],
      getConfiguration: () => ({ get: (key) => settings[key] }),
      getWorkspaceFolder: (u) => workspaceFolders.find((f) => u.fsPath.startsWith(f.uri.fsPath)),
      createFileSystemWatcher: () => ({ onDidChange: noopEvent, onDidCreate: noopEvent, onDidDelete: noopEvent, dispose() {} }),
      onDidChangeConfiguration: noopEvent,
      onDidChangeWorkspaceFolders: noopEvent,
      onDidGrantWorkspaceTrust: noopEvent,
      onDidChangeTextDocument: noopEvent,
      onDidOpenTextDocument: noopEvent,
      onDidCloseTextDocument: noopEvent,
    }),
    TestRunProfileKind: { Run: 1, Debug: 2, Coverage: 3 },
    TestMessage: class { constructor(message) { this.message = message; } static diff(message, expected, actual) { return Object.assign(new this(message), { expectedOutput: expected, actualOutput: actual }); } },
    tests: { createTestController: () => testController() },
    languages: lenient({ createDiagnosticCollection: () => ({ set() {}, delete() {}, clear() {}, dispose() {} }) }),
    commands: lenient({ registerCommand: () => ({ dispose() {} }), executeCommand: async () => undefined }),
  };
}

/** Makes `require('vscode')` return the stub in this process. */
function installVscodeStub(options) {
  const stub = makeVscode(options);
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
  };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub };
  return stub;
}

module.exports = { installVscodeStub };
