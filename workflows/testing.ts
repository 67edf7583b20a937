/**
 * The test kit's workflow bundle (`lib/testing-bundle.js`): the product's workflows plus the event script
 * that `testProcess` runs beside a process. Deterministic and free of Node APIs, like everything here.
 */
export * from './index';
export { bureaucratScheduledEvents } from './scheduled-events';
