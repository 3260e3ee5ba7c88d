// swc strips types only (fast); `npm run typecheck` is the type gate.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  // test/slow needs the built app (child processes): `npm run test:slow` builds, then runs it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/slow/'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', {
      jsc: {
        parser: { syntax: 'typescript', tsx: true },
        transform: { react: { runtime: 'automatic', importSource: 'preact' } },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    }],
  },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/reporters/summary-line.js'],
  maxWorkers: '100%',
};
