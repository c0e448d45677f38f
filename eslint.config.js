// Lint rules for aula (`npm run lint`; docs/TESTING.md#lint-format-and-types).
// Chosen to catch bugs, not to police style (Prettier owns the style):
// typescript-eslint's type-checked recommended set (a promise nobody awaits, an
// async callback where a plain one is expected, `await` on a non-promise,
// unsafe `any`), plus the rules that encode the architecture: the layers, and
// no import cycles. A rule is switched off only on a line, with a reason
// (eslint-comments/require-description); no file or folder is exempt.
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier/flat';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;
const typescript = ['**/*.ts', '**/*.tsx'];

export default defineConfig(
  globalIgnores(['node_modules/', 'client/dist/', 'data/', 'bench/results/', 'scripts/mediasoup-worker/subprojects/']),
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  js.configs.recommended,
  comments.recommended,
  { rules: { '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }] } },

  // TypeScript, with type information from the nearest tsconfig.json
  // (server/, client/, or the root one for shared/, tests/ and bench/).
  {
    files: typescript,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      // Off: an async function without `await` is how a signalling handler keeps
      // its contract (it returns a promise, and a throw becomes a rejection the
      // dispatcher answers); dropping `async` would change that, and no bug hides here.
      '@typescript-eslint/require-await': 'off',
      // An async handler in a JSX attribute (onSubmit={async …}) is fine: Preact
      // ignores the return value and the handlers show their own errors. Async
      // callbacks everywhere else (addEventListener, on(), setTimeout) stay errors.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // `_err`, `_req`: a parameter an API hands us that we do not need.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },

  // Untyped data by design, for now: tests read the wire as it is
  // (fetch().json(), page.evaluate(), the WebSocket test client) to assert on
  // exactly what the server sent; the bench's clients do the same; the CLI gets
  // commander's option bag and the admin API's JSON as `any`. The fixes are
  // the typed protocol test client (issue 16, part B), and for the CLI
  // @commander-js/extra-typings with typed admin answers. Until then `any` may
  // flow in these three folders only; everywhere else these rules hold.
  {
    files: ['tests/**', 'bench/**', 'server/cli/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // Plain JavaScript: the build scripts and the CLI wrapper run on Node, the
  // LTI pages' two scripts in the browser.
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: globals.node } },
  { files: ['server/lti/assets/*.js'], languageOptions: { globals: globals.browser, sourceType: 'script' } },

  // The architecture. The TypeScript resolver maps `./x.js` to `./x.ts`, so
  // these rules see the real files.
  {
    plugins: { 'import-x': importX },
    settings: {
      // import-x reads the imported files itself: with these it can parse TypeScript.
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: ['tsconfig.json', 'server/tsconfig.json', 'client/tsconfig.json'], noWarnOnMultipleProjects: true }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-duplicates': 'error',
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            { target: './client', from: './server', message: 'the browser client never imports server code; put what both need in shared/' },
            { target: './shared', from: ['./server', './client'], message: 'shared/ runs on both sides, so it imports neither server/ nor client/' },
          ],
        },
      ],
    },
  },

  // ── The media layer (issue 16, part B): only server/media/ imports mediasoup. ──
  // Rooms, features, recording and everything else talk to media through the
  // port (server/media/port.ts; docs/LAYOUT.md), type imports included. Tests
  // and the bench may reach below the port (a real worker is their point).
  {
    files: ['server/**', 'shared/**', 'client/**'],
    ignores: ['server/media/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'mediasoup', message: 'only server/media/ talks to mediasoup: use the media port (server/media/port.ts)' }],
          patterns: [{ group: ['mediasoup/*'], message: 'only server/media/ talks to mediasoup: use the media port (server/media/port.ts)' }],
        },
      ],
    },
  },

  prettier,
);
