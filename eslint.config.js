// Lint keeps the one-way arrows of the layout true in every folder (STYLE.md): http and channels on the outside,
// then bot and conversation, then dialogs (interfaces only), knowledge, handoff, privacy, storage, domain inside.
const tseslint = require('typescript-eslint');

const layer = (group) => ({
  'no-restricted-imports': ['error', { patterns: [{ group, message: 'This folder must not depend on that layer (see STYLE.md arrows).' }] }],
});
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
  { files: ['src/conversation/**/*.ts'], rules: noFramework(['**/bot/*', '**/console/*', '**/knowledge/*']) },
  { files: ['src/domain/**/*.ts'], rules: noFramework(['botbuilder*', '**/bot/*', '**/conversation/*', '**/knowledge/*', '**/handoff/*', '**/console/*', '**/privacy/*', '**/config/*']) },
  { files: ['src/storage/**/*.ts'], rules: layer(['express', 'twilio', '**/http/*', '**/channels/*', '**/bot/*', '**/dialogs/*', '**/console/*', '**/knowledge/*', '**/conversation/*']) },
  { files: ['src/privacy/**/*.ts'], rules: layer(['express', 'twilio', 'lowdb', 'pg', '**/http/*', '**/channels/*', '**/storage/*']) },
  { files: ['src/console/**/*.ts'], rules: layer(['express', 'twilio', '**/http/*', '**/channels/*']) },
  { files: ['src/config/**/*.ts', 'src/logging/**/*.ts'], rules: layer(['express', 'twilio', 'lowdb', 'pg', 'botbuilder*', '**/http/*', '**/channels/*', '**/bot/*', '**/storage/*', '**/knowledge/*', '**/conversation/*', '**/console/*', '**/privacy/*', '**/handoff/*', '**/domain/*']) },
  { files: ['src/channels/**/*.ts'], rules: layer(['**/http/*']) },
);
