/**
 * The API's response bodies as TypeScript types, derived from the schemas that validate and serialise them:
 * what the console's browser code reads (type-only: nothing here runs in the browser).
 */
import type { Static } from '@sinclair/typebox';
import type { ProcessDetails, ProcessList, Timeline } from './schemas';

/** `GET /v1/processes/{id}`. */
export type ProcessDetailsBody = Static<typeof ProcessDetails>;
/** `GET /v1/processes`. */
export type ProcessListBody = Static<typeof ProcessList>;
/** `GET /v1/processes/{id}/timeline`. */
export type TimelineBody = Static<typeof Timeline>;
