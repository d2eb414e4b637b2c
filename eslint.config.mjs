// The `yo code` template's rules (microsoft/vscode-generator-code), plus no-floating-promises as an error
// as in microsoft/vscode-eslint: a promise nobody awaits is how an error goes unreported.
// `curly` allows a single-line body without braces (`if (!x) return;`), which this code uses throughout.
import typescriptEslint from 'typescript-eslint';

export default [
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/host/**', 'bench/**', '.vscode-test/**', '**/*.js', '**/*.mjs'],
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    plugins: { '@typescript-eslint': typescriptEslint.plugin },
    languageOptions: {
      parser: typescriptEslint.parser,
      ecmaVersion: 2022,
      sourceType: 'module',
      parserOptions: { project: './tsconfig.json' },
    },
    rules: {
      '@typescript-eslint/naming-convention': ['warn', { selector: 'import', format: ['camelCase', 'PascalCase'] }],
      '@typescript-eslint/no-floating-promises': 'error',
      curly: ['warn', 'multi-line'],
      eqeqeq: 'warn',
      'no-throw-literal': 'warn',
      semi: 'warn',
    },
  },
];
