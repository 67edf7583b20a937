// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The project files of the workflow bundle, walked from its entries (see tools/workflow-modules.js). */
const { workflowFiles } = require('./tools/workflow-modules.js');

export default tseslint.config(
  { ignores: ['lib/', 'node_modules/', 'coverage/', 'test/histories/', 'docs/api/'] },
  eslint.configs.recommended,
  ...tseslint.configs.strict,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    // The interpreter runs inside Temporal's deterministic sandbox: no Node APIs, no wall clock.
    // Its files are every module the bundle reaches from workflows/index.ts and workflows/testing.ts, found
    // at load time (test/unit/sandbox.test.ts checks the same walk's imports).
    files: workflowFiles(),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: 'Workflow code must not use Node APIs.' })),
          patterns: [
            { group: ['node:*'], message: 'Workflow code must not use Node APIs.' },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Workflow code may only import @temporalio/workflow and @temporalio/common.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval'],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        performance: 'readonly',
        global: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
