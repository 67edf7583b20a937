/**
 * Bureaucrat on Temporal: the public API. Everything a user imports comes from here.
 *
 * @module
 */
export { startDevServer, type DevServer, type DevServerOptions } from './server/dev-server';
export {
  resolveTemporalCli,
  cachedTemporalCliPath,
  TemporalCliNotFoundError,
  TEMPORAL_CLI_VERSION,
  type ResolvedTemporalCli,
  type ResolveTemporalCliOptions,
  type TemporalCliSource,
} from './server/temporal-cli';
export { resolveTimeSkippingServer, timeSkippingLauncherPath } from './server/time-skipping-server';
export { PROCESS_NAME, BUREAUCRAT_SEARCH_ATTRIBUTES } from './search-attributes';
