// ESM-only packages (lowdb, steno, franc and its n-gram helpers) are transformed to CommonJS for jest;
// at run time Node 20's require(esm) loads them untransformed.
const esm = ['lowdb', 'steno', 'franc', 'trigram-utils', 'n-gram', 'collapse-white-space', 'node-pg-migrate'];
module.exports = {
  testEnvironment: 'node',
  // one test file at a time: the kill -9 and multi-instance tests are timing-sensitive under a second worker's load
  // (a 3-instance run once doubled a reply when leases ran out under load; see the closing note of session 3)
  maxWorkers: 1,
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esm.join('|')})/)`],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  // the topic model is trained once here and cached on disk; test files read it back
  globalSetup: '<rootDir>/test/helpers/globalSetup.ts',
};
