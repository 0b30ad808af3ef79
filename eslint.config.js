// Lint keeps the one-way arrows of the layout true (http -> channels -> bot -> dialogs; dialogs see interfaces only).
const tseslint = require('typescript-eslint');

const noFramework = (extra = []) => ({
  'no-restricted-imports': ['error', {
    patterns: [
      { group: ['express', 'twilio', 'lowdb', 'pg', '**/src/http/**', '**/http/*', '**/storage/*', '**/channels/*', ...extra], message: 'This folder must not depend on that layer (see STYLE.md arrows).' },
    ],
  }],
});

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'src/console/static/**', 'test/eval/**'] },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { '@typescript-eslint': tseslint.plugin }, rules: {} },
  { files: ['dialogs/**/*.ts'], rules: noFramework(['**/src/**']) },
  { files: ['src/handoff/**/*.ts'], rules: noFramework(['botbuilder*']) },
  { files: ['src/knowledge/**/*.ts'], rules: noFramework() },
  { files: ['src/bot/**/*.ts'], rules: noFramework() },
);
