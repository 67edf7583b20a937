/**
 * `/v1/definitions`: validate a definition (the checks `bureaucrat validate` runs, without starting
 * anything), deploy it by name and version, and read the deployed ones.
 */
import { checkDefinition } from '../../definition';
import { Definitions } from '../../client/definitions';
import { definitionNameProblem, DefinitionRefError } from '../../deployed';
import { lintWarningBody } from '../problems';
import {
  DefinitionVersion,
  DefinitionVersionList,
  DefinitionVersionWithXml,
  Deployed,
  DeployedDefinitionList,
  DeployRequest,
  NameParams,
  ValidateRequest,
  Validation,
  VersionParams,
  problems,
} from '../schemas';
import type { ApiContext, ApiInstance } from '../context';

const tags = ['definitions'];

/** A stored version's info as the API writes it (without its chunk count). */
function versionBody<T extends { chunks?: number }>(info: T): Omit<T, 'chunks'> {
  const { chunks: _chunks, ...rest } = info;
  return rest;
}

/** `name` when it can name a deployed definition; throws `DefinitionRefError` (a 400) when not. */
function checkedName(name: string): string {
  const problem = definitionNameProblem(name);
  if (problem) throw new DefinitionRefError(problem);
  return name;
}

/** Registers the definition routes. */
export function definitionRoutes(app: ApiInstance, api: ApiContext): void {
  const definitions = new Definitions(api.client, api.launcher.taskQueue);

  app.post(
    '/v1/definitions/validate',
    {
      config: { scope: 'read' },
      schema: {
        tags,
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
        warnings: warnings.map(lintWarningBody),
      };
    },
  );

  app.post(
    '/v1/definitions',
    {
      config: { scope: 'deploy' },
      schema: {
        tags,
        summary: 'Deploy a definition: the next version of its name, unless the latest has the same content',
        description:
          'Validates the XML and stores it as the next version of `name` (its `<process name>` by default): ' +
          '201 with the new version, or 200 with `unchanged: true` when the latest version has the same ' +
          'content. 422 `invalid-definition` lists every problem; with `strict`, 422 `definition-warnings` ' +
          "lists the lint's warnings; 400 `invalid-definition-ref` for a name that cannot be used.",
        body: DeployRequest,
        response: { 201: Deployed, 200: Deployed, ...problems(400, 401, 403, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const { xml, name, strict } = request.body;
      const result = await definitions.deploy(xml, {
        ...(name !== undefined && { name }),
        ...(strict !== undefined && { strict }),
      });
      const body = { ...versionBody(result), warnings: result.warnings.map(lintWarningBody) };
      return reply.code(result.unchanged ? 200 : 201).send(body);
    },
  );

  app.get(
    '/v1/definitions',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'The deployed definitions: each name with its latest version, by name',
        response: { 200: DeployedDefinitionList, ...problems(401, 403, 503) },
      },
    },
    async () => ({ definitions: await definitions.list() }),
  );

  app.get(
    '/v1/definitions/:name',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: "A deployed definition's latest version (without its XML)",
        params: NameParams,
        response: { 200: DefinitionVersion, ...problems(400, 401, 403, 404, 503) },
      },
    },
    async (request) => versionBody(await definitions.resolve({ name: checkedName(request.params.name) })),
  );

  app.get(
    '/v1/definitions/:name/versions',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: "A deployed definition's versions, oldest first",
        description: 'An empty list for a name never deployed.',
        params: NameParams,
        response: { 200: DefinitionVersionList, ...problems(400, 401, 403, 503) },
      },
    },
    async (request) => ({ versions: (await definitions.versions(request.params.name)).map(versionBody) }),
  );

  app.get(
    '/v1/definitions/:name/versions/:version',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'One version of a deployed definition, with its XML',
        params: VersionParams,
        response: { 200: DefinitionVersionWithXml, ...problems(400, 401, 403, 404, 503) },
      },
    },
    async (request) =>
      versionBody(
        await definitions.get({ name: checkedName(request.params.name), version: request.params.version }),
      ),
  );
}
