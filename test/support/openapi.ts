/**
 * The API's OpenAPI document as a test oracle: the document itself checked by a real OpenAPI 3.1 validator
 * (`@seriousme/openapi-schema-validator`, an ES module: run in a child Node process), and each response a
 * test receives validated against the schema the document gives for its route, status and content type.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Document = {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
  components?: { schemas?: Record<string, unknown> };
};
type ResponseObject = { content?: Record<string, { schema?: unknown }> };

/** What the OpenAPI validator says of `document`: `{ valid, errors }`. */
export function validateOpenApiDocument(document: unknown): { valid: boolean; errors: unknown } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
  try {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const script = `import { Validator } from '@seriousme/openapi-schema-validator';
const result = await new Validator().validate(${JSON.stringify(file)});
process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors ?? null, version: new Validator().version }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: path.join(__dirname, '../..'),
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`the OpenAPI validator failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as { valid: boolean; errors: unknown };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Validates responses against an OpenAPI 3.1 document. */
export class ResponseValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly routes: { method: string; template: string; pattern: RegExp }[] = [];
  /** Every `METHOD template status` a test validated: to check that the tests cover the document. */
  readonly seen = new Set<string>();

  constructor(private readonly document: Document) {
    addFormats(this.ajv);
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      const { $id: _id, ...rest } = resolveRefs(schema) as { $id?: string };
      this.ajv.addSchema(rest, `${COMPONENTS}${name}`);
    }
    for (const [template, methods] of Object.entries(document.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const method of Object.keys(methods)) this.routes.push({ method, template, pattern });
    }
  }

  /**
   * Throws unless the document has a response for this request's route and `status` with this content type,
   * and `body` matches its schema.
   */
  check(method: string, url: string, status: number, contentType: string, body: unknown): void {
    const pathname = new URL(url, 'http://x').pathname;
    const route = this.routes.find((r) => r.method === method.toLowerCase() && r.pattern.test(pathname));
    if (!route) throw new Error(`${method} ${pathname}: no such route in the OpenAPI document`);
    const response = this.document.paths[route.template][route.method].responses?.[String(status)];
    if (!response) throw new Error(`${method} ${route.template}: the document has no ${status} response`);
    const type = contentType.split(';')[0].trim();
    const media = response.content?.[type];
    if (!media) {
      throw new Error(
        `${method} ${route.template} ${status}: the document has no ${type} body (it has ${Object.keys(response.content ?? {}).join(', ')})`,
      );
    }
    this.seen.add(`${route.method.toUpperCase()} ${route.template} ${status}`);
    if (media.schema === undefined) return;
    const validate = this.ajv.compile(resolveRefs(media.schema));
    if (!validate(body)) {
      throw new Error(
        `${method} ${route.template} ${status}: the body does not match the document: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
      );
    }
  }
}

/** Where the document's components are registered with Ajv. */
const COMPONENTS = 'https://openapi.test/components/schemas/';

/** `$ref`s to `#/components/schemas/X` made absolute for Ajv. */
function resolveRefs(schema: unknown): object {
  return JSON.parse(
    JSON.stringify(schema).replace(/"\$ref":"#\/components\/schemas\/([^"]+)"/g, `"$ref":"${COMPONENTS}$1"`),
  ) as object;
}
