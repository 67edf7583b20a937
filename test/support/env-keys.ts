/**
 * Environment variables through which jest's global setup hands the shared test infrastructure to the
 * test files (jest runs those in worker processes that inherit the setup's environment).
 */
export const TEST_ENV = {
  address: 'BUREAUCRAT_TEST_ADDRESS',
  namespace: 'BUREAUCRAT_TEST_NAMESPACE',
  workflowBundle: 'BUREAUCRAT_TEST_WORKFLOW_BUNDLE',
  timeSkippingServer: 'BUREAUCRAT_TEST_TIME_SKIPPING_SERVER',
  timeSkippingUnavailable: 'BUREAUCRAT_TEST_TIME_SKIPPING_UNAVAILABLE',
} as const;
