// Lint, including the import rules of DESIGN.md §2 (which folder may import which).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const ours = (name) => [`**/${name}`, `**/${name}/**`, `../${name}`, `../${name}/**`];
const backendPackages = ['@tensorflow/tfjs-backend-*', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs'];
const forbid = (folders, packages = [], message = 'see DESIGN.md §2 (import rules)') => ({
  'no-restricted-imports': ['error', {
    patterns: [
      ...folders.map((f) => ({ group: ours(f), message: `must not import ${f}/: ${message}` })),
      ...(packages.length ? [{ group: packages, message: `package not allowed here: ${message}` }] : []),
    ],
  }],
});
const always = ['electron', 'better-sqlite3'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'native/build/**', 'renderer/dist/**', 'test-results/**', '.octet/**', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['renderer/**/*.svelte', 'renderer/**/*.svelte.ts'], languageOptions: { parserOptions: { parser: tseslint.parser } } },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['common/**'], rules: forbid(['optim', 'native', 'models', 'kernels', 'main', 'electron', 'renderer'], ['node:*', ...always, ...backendPackages, '@tensorflow/*'], 'common/ is plain data shared by every side') },
  { files: ['optim/**'], ignores: ['optim/**/*.test.ts'], rules: forbid(['models', 'kernels', 'main', 'electron', 'renderer'], [...always, ...backendPackages]) },
  { files: ['optim/**/*.test.ts'], rules: forbid(['models', 'main', 'electron', 'renderer'], always) },
  { files: ['models/**'], ignores: ['models/**/*.test.ts'], rules: forbid(['optim', 'native', 'kernels', 'main', 'electron', 'renderer'], [...always, ...backendPackages]) },
  { files: ['models/**/*.test.ts'], rules: forbid(['optim', 'main', 'electron', 'renderer'], always) },
  { files: ['native/**'], rules: forbid(['optim', 'models', 'kernels', 'main', 'electron', 'renderer'], always) },
  { files: ['kernels/**'], rules: forbid(['optim', 'models', 'main', 'electron', 'renderer'], always) },
  { files: ['main/**'], ignores: ['main/store/**'], rules: forbid(['electron', 'renderer'], always, 'only main/store imports better-sqlite3; only electron/ imports electron') },
  { files: ['main/store/**'], rules: forbid(['electron', 'renderer'], ['electron']) },
  { files: ['electron/**'], rules: forbid(['renderer'], ['better-sqlite3']) },
  { files: ['renderer/**'], ignores: ['renderer/src/api/**'], rules: {
    ...forbid(['optim', 'native', 'models', 'kernels', 'main', 'electron'], [...always, '@tensorflow/*', 'node:*'], 'the renderer talks to the app only through renderer/src/api'),
    'no-restricted-globals': ['error', { name: 'octet', message: 'use renderer/src/api' }],
    'no-restricted-properties': ['error', { object: 'window', property: 'octet', message: 'only renderer/src/api touches window bridges' }],
  } },
  { files: ['renderer/src/api/**'], rules: forbid(['optim', 'native', 'models', 'kernels', 'main', 'electron'], [...always, '@tensorflow/*', 'node:*']) },
  { files: ['e2e/**', 'scripts/**', 'bin/**'], rules: forbid([], ['better-sqlite3']) },
);
