/**
 * The workflows of Bureaucrat on Temporal: the interpreter that runs every process definition, the
 * per-event-name router of broadcast events, the trigger registry and the deployed definitions' versions. Bundled into Temporal's deterministic sandbox, so everything
 * imported from here is deterministic and free of Node APIs.
 *
 * Workers created with `createWorker` load these prebuilt (`lib/workflow-bundle.js`). To run them beside
 * workflows of your own, re-export them from your workflows file and bundle that:
 *
 * ```ts
 * // src/workflows.ts
 * export * from 'bureaucrat-temporal/workflows';
 * export async function myWorkflow() {}
 * ```
 *
 * @module bureaucrat-temporal/workflows
 */
export { bureaucratProcess } from './process';
export { bureaucratEventRouter } from './event-router';
export { bureaucratTriggers } from './trigger-registry';
export { bureaucratDefinition, bureaucratDefinitionChunk } from './definition-version';
