import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { isStorableText } from '../db/column-limits.js';

const make = (options: Options): Ajv => {
  // verbose: errors carry their schema, so that the problem handler can list an enum's values.
  const ajv = new Ajv({
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    verbose: true,
    ...options,
  });
  addFormats.default(ajv);
  ajv.addKeyword('example');
  return ajv;
};

/** JSON Pointer escaping of one property name (RFC 6901), as ajv writes instancePath. */
const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

const unstorable = (instancePath: string): ErrorObject => ({
  keyword: 'storableText',
  instancePath,
  schemaPath: '#',
  params: {},
  message: 'must not contain NUL characters or unpaired UTF-16 surrogates',
});

/** Every string (property names included) in a validated value that no text column can hold. */
function unstorableStrings(value: unknown, path = ''): ErrorObject[] {
  if (typeof value === 'string') return isStorableText(value) ? [] : [unstorable(path)];
  if (Array.isArray(value)) return value.flatMap((item, i) => unstorableStrings(item, `${path}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const at = `${path}/${pointer(key)}`;
    return isStorableText(key) ? unstorableStrings(item, at) : [unstorable(at)];
  });
}

/**
 * After the schema, one rule for every request part of every route: no string may hold what
 * PostgreSQL cannot store, wherever it sits. The errors take ajv's shape, so they are reported
 * like any other validation failure.
 */
function storableOnly(validate: ValidateFunction): ValidateFunction {
  const checked = ((data: unknown, context?: Parameters<ValidateFunction>[1]) => {
    if (!validate(data, context)) {
      checked.errors = validate.errors;
      return false;
    }
    const errors = unstorableStrings(data);
    checked.errors = errors.length > 0 ? errors : null;
    return errors.length === 0;
  }) as ValidateFunction;
  // Fastify hands ajv the parent object (so coercion can replace the root) when it sees schemaEnv.
  checked.schemaEnv = validate.schemaEnv;
  return checked;
}

/** Where a number schema in a request leaves a bound open, as JSON Pointers into the schema. */
function unboundedNumbers(schema: unknown, path = '#'): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const here = schema as Record<string, unknown>;
  const types = [here.type].flat();
  const numeric = types.includes('integer') || types.includes('number');
  const bounded =
    (here.minimum ?? here.exclusiveMinimum) !== undefined && (here.maximum ?? here.exclusiveMaximum) !== undefined;
  const nested = Object.entries(here).flatMap(([key, value]) => unboundedNumbers(value, `${path}/${pointer(key)}`));
  return numeric && !bounded ? [path, ...nested] : nested;
}

/**
 * Bodies are checked as sent (no type coercion, unknown properties are errors, not dropped);
 * query strings and path parameters are text by nature, so they are coerced to their types.
 * Every number a request may carry must declare both bounds, within what its column holds:
 * a route that leaves one open does not start.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const strict = make({ coerceTypes: false });
  const coercing = make({ coerceTypes: 'array' });
  return ({ schema, httpPart, method, url }) => {
    const open = unboundedNumbers(schema);
    if (open.length > 0) {
      throw new Error(
        `${method} ${url}: the ${httpPart ?? 'request'} schema has numbers without a minimum and a maximum at ${open.join(', ')}`,
      );
    }
    const ajv = httpPart === 'body' ? strict : coercing;
    return storableOnly(ajv.compile(schema as object)) as ReturnType<FastifySchemaCompiler<FastifySchema>>;
  };
}
