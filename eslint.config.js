// Lint rules: type-aware TypeScript checks everywhere, and determinism rules for workflow code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { builtinModules } from 'node:module';

/** Everything the workflow sandbox must never load: Node built-ins, Temporal's non-workflow packages, I/O libraries. */
const workflowForbidden = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
  '@nats-io/*',
  'hono',
  'hono/*',
  '@hono/*',
  'better-sqlite3',
  'kysely',
  'pg',
  'pino',
  'execa',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // Workflow code is replayed: it must stay deterministic, so it may not touch I/O or non-workflow packages.
    files: ['src/workflows/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: workflowForbidden.filter((m) => !m.includes('*')),
          patterns: [
            { group: workflowForbidden.filter((m) => m.includes('*')), message: 'Not allowed in deterministic workflow code.' },
            {
              group: ['**/activities/**', '**/workers/**', '**/api/**', '**/config/**', '**/events/**'],
              allowTypeImports: true,
              message: 'Workflow code may import activities and services as types only.',
            },
          ],
        },
      ],
    },
  },
);
