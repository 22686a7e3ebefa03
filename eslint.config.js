// Type-aware lint for the whole project; the pure core may not import I/O.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'node:fs',
  'node:fs/promises',
  'node:child_process',
  'node:net',
  'node:http',
  'node:https',
  'node:readline',
  'node:process',
  'fs',
  'child_process',
  'graphene-pk11',
  'pkcs11js',
  'octokit',
  '@inquirer/prompts',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-check/**',
      'coverage/**',
      'node_modules/**',
      'repository/**',
      'ceremony-logs/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/metadata/**/*.ts', 'src/ceremony/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({
            name,
            message: 'src/metadata and src/ceremony are pure: no I/O.',
          })),
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/metadata and src/ceremony are pure: no process access.' },
        { name: 'fetch', message: 'pure core: no network.' },
      ],
    },
  },
  { files: ['eslint.config.js', 'scripts/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
