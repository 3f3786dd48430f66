import { z } from 'zod';
import { runSchema, RUN_SCHEMA_VERSION } from './run-schema.js';

/**
 * run.json's schema as JSON Schema (draft 2020-12), for tools that do not
 * speak zod; docs/run.schema.json is this, and a test keeps them equal.
 */
export function runJsonSchema(): Record<string, unknown> {
  return {
    $id: `https://goldsmith.invalid/schemas/${RUN_SCHEMA_VERSION}.json`,
    title: `goldsmith run.json (${RUN_SCHEMA_VERSION})`,
    ...z.toJSONSchema(runSchema, { io: 'output' }),
  };
}
