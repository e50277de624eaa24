import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '.device/**',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'bin/**',
      'validation/**',
      'ansible/**',
      'packer/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['src/reporters/**', 'src/cli/**', 'test/**', 'scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['src/**'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../cli/*', '../../cli/*'], message: 'Nothing imports cli.' }] },
      ],
    },
  },
  {
    // The executor runs work and reports events; reporters render them, the CLI and the use cases
    // in src/app call it, never the other way round.
    files: ['src/executor/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/cli/**', '../cli/*', '../../cli/*'], message: 'Nothing imports cli.' },
            {
              group: ['**/reporters/**'],
              message: 'src/executor emits RunEvents; reporters render them.',
            },
            { group: ['**/app/**'], message: 'src/app calls the executor, not the reverse.' },
          ],
        },
      ],
    },
  },
  {
    // The planner is pure: no IO, no clock, no printing.
    files: ['src/planner/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'child_process', 'os'],
              message: 'src/planner is pure: no IO.',
            },
            { group: ['execa', 'p-queue', 'chalk', 'date-fns'], message: 'src/planner is pure.' },
            {
              group: [
                '**/cli/**',
                '**/executor/**',
                '**/reporters/**',
                '**/state/**',
                '**/config/**',
                '**/app/**',
                '**/gpu/**',
                '**/calendar/**',
              ],
              message: 'src/planner imports only model.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'Date', message: 'src/planner has no clock.' }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the seeded RNG.' },
      ],
    },
  },
  {
    // Reporters render the data they are given: no file IO, no journal, no planning, no
    // running (type imports are fine: they describe the data).
    files: ['src/reporters/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:fs', 'node:fs/*', 'fs', 'fs/*'],
              message: 'Reporters do no file IO: they write only the output they are given.',
            },
            {
              group: ['**/state/**', '**/executor/**', '**/planner/**', '**/app/**', '**/cli/**'],
              allowTypeImports: true,
              message: 'Reporters only render data: no state, executor, planner, app or cli code.',
            },
          ],
        },
      ],
    },
  },
  {
    // State reads and writes the journal and locks; it renders nothing and runs nothing.
    files: ['src/state/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/reporters/**', '**/executor/**', '**/app/**', '**/cli/**'],
              allowTypeImports: true,
              message: 'State imports no reporter, executor, app or cli code.',
            },
          ],
        },
      ],
    },
  },
  {
    // Use cases return data; the CLI calls them, never the other way round.
    files: ['src/app/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/cli/**', '**/reporters/**'],
              allowTypeImports: true,
              message: 'Use cases return data: no cli or reporter code.',
            },
          ],
        },
      ],
    },
  },
);
