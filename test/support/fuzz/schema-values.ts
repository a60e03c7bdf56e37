import fc from 'fast-check';

/** The part of JSON Schema that the served OpenAPI document uses for parameters and bodies. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  not?: Schema;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  example?: unknown;
}

/** Values a test knows to be meaningful for a field (ids that exist, a user's password…), by field name. */
export type Hints = (name: string) => fc.Arbitrary<unknown> | undefined;

/** A value the server should accept for `schema`: hinted by name when the world decides it, else drawn from the schema. */
export function validValue(schema: Schema, name: string, hints: Hints): fc.Arbitrary<unknown> {
  const hinted = hints(name);
  if (hinted) return hinted;
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => validValue(s, name, hints)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch ([schema.type].flat()[0]) {
    case 'object': {
      const properties = schema.properties ?? {};
      const arbitraries = Object.fromEntries(
        Object.entries(properties).map(([key, s]) => [key, validValue(s, key, hints)]),
      );
      return fc.record(arbitraries, { requiredKeys: schema.required ?? [] });
    }
    case 'array': {
      const items = validValue(schema.items ?? {}, name, hints);
      const maxLength = Math.min(schema.maxItems ?? 3, 3);
      return schema.uniqueItems
        ? fc.uniqueArray(items, { maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(items, { maxLength });
    }
    case 'integer': {
      const min = schema.minimum ?? -1000;
      const max = schema.maximum ?? 1000;
      const excluded = new Set(schema.not?.enum ?? []);
      // Mostly small values, as clients send; now and then anywhere in the allowed range.
      return fc
        .oneof({ arbitrary: fc.integer({ min, max: Math.min(max, min + 50) }), weight: 3 }, fc.integer({ min, max }))
        .filter((n) => !excluded.has(n));
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return validString(schema);
    default:
      return fc.constant(null);
  }
}

function validString(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 40;
  const fits = (s: string) => s.length >= min && s.length <= max;
  if (schema.format === 'email') return fc.emailAddress().filter(fits);
  const drawn = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern), { size: 'small' })
    : fc.string({ minLength: min, maxLength: Math.min(max, 40), unit: 'grapheme' });
  const fitting = drawn.filter(fits);
  return typeof schema.example === 'string' ? fc.oneof(fc.constant(schema.example), fitting) : fitting;
}

/** A JSON literal written as is into a body: numbers JavaScript cannot hold, nesting too deep to walk. */
export interface RawJson {
  rawJson: string;
}

export const rawJson = (text: string): RawJson => ({ rawJson: text });

/** Serialises a body, writing each RawJson as its literal text. */
export function toJsonText(value: unknown): string {
  const literals: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && 'rawJson' in v && Object.keys(v).length === 1) {
      literals.push((v as RawJson).rawJson);
      return `\u0001raw${literals.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_m, i: string) => literals[Number(i)] ?? 'null');
}

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

/** Strings that databases, decoders and parsers trip over; the likeliest culprits come up most. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\udc00\ud800'), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      '\ufeff',
      '\u202e',
      '\uffff',
      '',
      ' ',
      '          ',
      '\t\n',
      'null',
      'undefined',
      'true',
      '[]',
      '{}',
      'NaN',
      'Infinity',
      '-Infinity',
      '-0',
      '1e309',
      '0x1F',
      '1_000',
      '١٢٣',
      "' OR '1'='1",
      '"; DROP TABLE users; --',
      "1' AND SLEEP(5)--",
      '%00',
      '%',
      '%zz',
      '../../etc/passwd',
      '__proto__',
      'constructor',
      '<script>alert(1)</script>',
      '${7*7}',
      '{{7*7}}',
      'ǅ',
      'İ',
      'ß',
      '👩‍👩‍👧',
    ),
    weight: 3,
  },
  { arbitrary: fc.constantFrom(256, 1_025, 5_001, 70_000).map((n) => 'x'.repeat(n)), weight: 1 },
  { arbitrary: fc.string({ unit: anyCodeUnit, maxLength: 12 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 1 },
);

/** Numbers at the edges of every integer and float type on the way to the database. */
export const boundaryNumber: fc.Arbitrary<number> = fc.constantFrom(
  0,
  -1,
  1,
  0.5,
  -0.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  2 ** 63,
  2 ** 64,
  1e21,
  1e308,
  -1e308,
  5e-324,
  Number.MAX_VALUE,
);

/** Literals JSON allows but JavaScript numbers cannot hold exactly (or at all), and deep nesting. */
export const rawLiteral: fc.Arbitrary<RawJson> = fc.oneof(
  fc
    .constantFrom(
      '1e400',
      '-1e400',
      '1e-400',
      '-0',
      '9007199254740993',
      '123456789012345678901234567890',
      '0.30000000000000000000001',
    )
    .map(rawJson),
  fc
    .constantFrom(64, 2_000, 100_000)
    .chain((depth) =>
      fc
        .constantFrom('[]', '{}')
        .map((kind) =>
          rawJson(
            kind === '[]'
              ? `${'['.repeat(depth)}${']'.repeat(depth)}`
              : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
          ),
        ),
    ),
);

/** A value of any JSON type, or one at a type's edge: what a field gets when a client is careless or hostile. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: nastyString, weight: 6 },
  { arbitrary: boundaryNumber, weight: 3 },
  { arbitrary: rawLiteral, weight: 1 },
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom([], {}, [null], { '': 1 }, rawJson('{"__proto__":{"role":"admin"}}'), rawJson('{"a":1,"a":2}')),
  fc.array(nastyString, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), nastyString, { maxKeys: 3 }),
);

/** How a nasty value travels in a URL or a header: as text. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'rawJson' in value) return (value as RawJson).rawJson;
  return toJsonText(value);
}

/**
 * Percent-encodes text for a path segment or query value, byte by byte: a lone surrogate becomes
 * the three bytes it would have in WTF-8 (`%ED%A0%80`), which is what a client that does not
 * check its strings sends, and what `decodeURIComponent` refuses.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    let codePoint = unit;
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      codePoint = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
      i++;
    }
    const char = String.fromCodePoint(codePoint);
    if (/^[A-Za-z0-9\-._~]$/.test(char)) out += char;
    else for (const byte of wtf8(codePoint)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function wtf8(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}
