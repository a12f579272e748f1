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
  },
);
