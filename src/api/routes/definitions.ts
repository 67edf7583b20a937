/**
 * `POST /v1/definitions/validate`: the checks `bureaucrat validate` runs, without starting anything.
 */
import { checkDefinition } from '../../definition';
import { ValidateRequest, Validation, problems } from '../schemas';
import type { ApiContext, ApiInstance } from '../context';

/** Registers the definition routes. */
export function definitionRoutes(app: ApiInstance, _api: ApiContext): void {
  app.post(
    '/v1/definitions/validate',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['definitions'],
        summary: 'Validate a definition: every problem and lint warning, with line, column and element path',
        body: ValidateRequest,
        response: { 200: Validation, ...problems(400, 401, 403, 413, 415) },
      },
    },
    async (request) => {
      const { definition, problems: found, warnings } = checkDefinition(request.body.definition);
      return {
        valid: definition !== undefined,
        ...(definition?.name ? { name: definition.name } : {}),
        problems: found.map(({ line, column, path, message }) => ({ line, column, path, message })),
        warnings: warnings.map((w) => ({
          line: w.line,
          column: w.column,
          path: w.path,
          message: w.message,
          rule: w.rule,
          ruleName: w.name,
          severity: w.severity,
        })),
      };
    },
  );
}
