import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

// The bridge protocol as the iOS side ships it: the JSON Schema and its example files.
export const PROTOCOL_DIR = resolve(import.meta.dirname, '../../../../ios-bridge/protocol');
const SCHEMA_ID = 'https://find-this-fit.dev/schemas/bridge-protocol/v1.json';

const schema = JSON.parse(readFileSync(join(PROTOCOL_DIR, 'bridge-protocol.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = (formats as unknown as { default?: typeof formats }).default ?? formats;
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(schema);

/** Validates `value` against the whole schema, or one of its `$defs`; returns ajv's errors as text, or ''. */
export function schemaErrors(value: unknown, def?: string): string {
  const validate = ajv.getSchema(def ? `${SCHEMA_ID}#/$defs/${def}` : SCHEMA_ID);
  if (!validate) throw new Error(`no schema ${def}`);
  return validate(value) ? '' : ajv.errorsText(validate.errors);
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** `examples/*.json`: one valid message per file. */
export function exampleFiles(): string[] {
  return readdirSync(join(PROTOCOL_DIR, 'examples'))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export interface InvalidExample {
  file: string;
  why: string;
  direction: 'native-to-js' | 'js-to-native' | 'reply';
  message: unknown;
}

/** `examples/invalid/*.json`: `{ why, direction, message }`, where `message` must fail the schema. */
export function invalidExamples(): InvalidExample[] {
  const dir = join(PROTOCOL_DIR, 'examples', 'invalid');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(readJson(join(dir, file)) as Omit<InvalidExample, 'file'>) }));
}

export function example(file: string): Record<string, unknown> {
  return readJson(join(PROTOCOL_DIR, 'examples', file)) as Record<string, unknown>;
}

/** The `$defs` name of a request type, and of its reply payload. */
export const REQUEST_DEFS: Record<string, { def: string; result: string }> = {
  'host.ready': { def: 'hostReady', result: 'hostReadyResult' },
  'photo.pick': { def: 'photoPick', result: 'photoPickResult' },
  'result.open': { def: 'resultOpen', result: 'resultOpenResult' },
  log: { def: 'log', result: 'emptyResult' },
  'host.init': { def: 'hostInit', result: 'emptyResult' },
  'search.image': { def: 'searchImage', result: 'searchImageResult' },
};
