// ESLint with typescript-eslint's recommended rules over the sources, tests, benches and scripts:
// the linter most VS Code extensions run (`npm test` runs it after the typecheck).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-output/', '.stack/', 'bench/peerTree/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `const { dropped: _dropped, ...rest } = value` and `_`-named parameters say "deliberately unused".
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Scripts that drive Chromium: the functions they hand to page.evaluate() run in the page.
    files: ['test/extension/*.mjs', 'test/stack/demo.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // The bench's peer extension is plain CommonJS, loaded by VS Code without a build step.
    files: ['bench/peerTree/extension.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
