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
);
