/**
 * `npm run test:amqp`: the AMQP bridge tests (test/amqp/), kept out of `npm test` because they run their own
 * RabbitMQ node (the machine's rabbitmq-server package) and the legacy Python tools (pika, Celery 5).
 *
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/amqp'],
  testMatch: ['**/*.amqp.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  reporters: ['default', '<rootDir>/test/support/totals-reporter.js'],
  testTimeout: 5 * 60_000,
  maxWorkers: 1,
};
