import { randomUUID } from 'node:crypto';
import { msToTs } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { BUREAUCRAT_SEARCH_ATTRIBUTES } from '../../src/search-attributes';
import { eventually } from './temporal';

/**
 * A fresh namespace on the run's dev server with the project's search attributes registered (or only
 * `searchAttributes`, to test what a missing one does), ready for workflows: for tests whose programs use
 * the default task queue and must not meet other tests' workers.
 */
export async function createNamespace(
  env: TestWorkflowEnvironment,
  prefix = 'test',
  searchAttributes: readonly { readonly name: string }[] = BUREAUCRAT_SEARCH_ATTRIBUTES,
): Promise<string> {
  const namespace = `${prefix}-${randomUUID().slice(0, 8)}`;
  const { workflowService, operatorService } = env.connection;
  await workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  await eventually(
    () =>
      workflowService.describeNamespace({ namespace }).then(
        () => true,
        () => false,
      ),
    (ready) => ready,
  );
  await operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      searchAttributes.map((key) => [key.name, 2 /* INDEXED_VALUE_TYPE_KEYWORD */]),
    ),
  });
  return namespace;
}
