/**
 * `npm run test:cluster`: the production-style cluster test (test/cluster/), kept out of `npm test` because
 * it builds the Temporal server once (minutes) and runs its own PostgreSQL and server.
 *
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.cluster.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  reporters: ['default', '<rootDir>/test/support/totals-reporter.js'],
  testTimeout: 5 * 60_000,
  maxWorkers: 1,
};
