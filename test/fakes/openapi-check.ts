import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Checks HTTP bodies against one of GitHub's published OpenAPI descriptions
 * (`@octokit/openapi`), so a fake's shapes cannot drift from the real API.
 *
 * OpenAPI 3.0 writes "or null" as `nullable: true`. ajv's own support for it
 * is not enough for GitHub's description: it refuses `nullable` without a
 * sibling `type` (128 schemas have `anyOf`/`$ref` instead), and it still
 * rejects `null` when an `enum` sits beside it (148 schemas, among them
 * `job.conclusion`, null on every job that is not finished). So the schemas
 * are rewritten to plain JSON Schema first: `type: [t, 'null']` with `null`
 * added to the enum, or `anyOf: [schema, {type: 'null'}]`.
 *
 * @example
 * const dotcom = new OpenApiCheck('api.github.com.json');
 * dotcom.response('GET', '/repos/acme/images/actions/runs/1', 200, body); // throws with ajv's errors on a mismatch
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Operation = { operationId: string; requestBody?: any; responses: Record<string, any> };

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** OpenAPI 3.0 schema to JSON Schema: `nullable` spelled out, local `$ref`s pointed at the registered document `id`. */
export function toJsonSchema(node: Json, id: string): Json {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, id));
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key === 'examples' || key === 'nullable') continue;
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      // Property names are not keywords: a property called `example` stays.
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toJsonSchema(schema, id)]));
      continue;
    }
    out[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${id}${value}` : toJsonSchema(value, id);
  }
  if (node.nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  const constraining = Object.keys(out).filter((key) => !['description', 'title'].includes(key));
  return constraining.length === 0 ? out : { anyOf: [out, { type: 'null' }] };
}

export class OpenApiCheck {
  readonly doc: { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, any>> };
  private readonly ajv: Ajv;
  private readonly id: string;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: Array<{ template: string; pattern: RegExp }>;

  constructor(file: 'api.github.com.json' | 'ghes-3.19.json') {
    const path = createRequire(import.meta.url).resolve(`@octokit/openapi/generated/${file}`);
    this.doc = JSON.parse(readFileSync(path, 'utf8'));
    this.id = `https://openapi.invalid/${file}`;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    // int32/int64 only say how wide a number is.
    for (const format of ['int32', 'int64']) this.ajv.addFormat(format, true);
    const schemas = Object.fromEntries(Object.entries(this.doc.components.schemas!).map(([name, schema]) => [name, toJsonSchema(schema as Json, this.id)]));
    this.ajv.addSchema({ $id: this.id, components: { schemas } });
    // Literal segments win over parameters: `/runs/{run_id}` must not match `/runs`.
    this.templates = Object.keys(this.doc.paths)
      .map((template) => ({ template, pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`) }))
      .sort((a, b) => a.template.split('{').length - b.template.split('{').length);
  }

  /** The operation a request path (without the API base) and method belong to. */
  operation(method: string, path: string): { template: string; operation: Operation } {
    for (const { template, pattern } of this.templates) {
      const operation = this.doc.paths[template]?.[method.toLowerCase()];
      if (operation && pattern.test(path)) return { template, operation };
    }
    throw new Error(`no operation in the OpenAPI description for ${method} ${path}`);
  }

  /** The response object an operation documents for `status`, `$ref`s followed; undefined when it documents none. */
  documented(method: string, path: string, status: number): { description: string; content?: any; headers?: any } | undefined {
    const response = this.operation(method, path).operation.responses[String(status)];
    if (!response?.$ref) return response;
    return this.doc.components.responses![String(response.$ref).split('/').pop()!];
  }

  /** Validates `body` against `schema` (a schema from this description); returns ajv's errors, or null when it fits. */
  errors(schema: unknown, body: unknown): string | null {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema as Json, this.id) as object);
      this.compiled.set(key, validate);
    }
    return validate(body) ? null : this.ajv.errorsText(validate.errors, { separator: '\n' });
  }

  /** Throws unless `body` fits the schema documented for this status (GitHub's basic-error when the status is not documented). */
  response(method: string, path: string, status: number, body: unknown): { documented: boolean } {
    const response = this.documented(method, path, status);
    const schema = response ? response.content?.['application/json']?.schema : { $ref: '#/components/schemas/basic-error' };
    if (schema) {
      const errors = this.errors(schema, body);
      if (errors) throw new Error(`${method} ${path} ${status}: the body does not fit the OpenAPI description:\n${errors}\n${JSON.stringify(body).slice(0, 2000)}`);
    } else if (body !== undefined) {
      throw new Error(`${method} ${path} ${status}: the description documents no body, got ${JSON.stringify(body).slice(0, 200)}`);
    }
    return { documented: response !== undefined };
  }

  /** Throws unless `body` fits the operation's request body schema. */
  request(method: string, path: string, body: unknown): void {
    const schema = this.operation(method, path).operation.requestBody?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${method} ${path}: the description documents no request body`);
    const errors = this.errors(schema, body);
    if (errors) throw new Error(`${method} ${path}: the request body does not fit the OpenAPI description:\n${errors}`);
  }
}
