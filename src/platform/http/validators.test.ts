import { describe, expect, it } from 'vitest';
import type { FastifySchema } from 'fastify';
import { createValidatorCompiler } from './validators.js';

const compile = (schema: object, httpPart = 'body') =>
  createValidatorCompiler()({
    schema: schema as FastifySchema,
    httpPart,
    method: 'POST',
    url: '/things',
  }) as unknown as ((data: unknown) => boolean) & {
    errors: { instancePath: string; message: string }[] | null;
  };

const text = { type: 'string', maxLength: 50 };
const lines = {
  type: 'object',
  properties: {
    lines: { type: 'array', items: { type: 'object', properties: { note: text }, additionalProperties: false } },
  },
  additionalProperties: { type: 'string' },
};

describe('request validators', () => {
  it('refuse NUL and unpaired surrogates at any depth, naming where, after the schema passed', () => {
    const validate = compile(lines);
    for (const bad of ['a\u0000', '\ud800', 'x\udfffy', '\udc00\ud800']) {
      expect(validate({ lines: [{ note: 'fine' }, { note: bad }] })).toBe(false);
      expect(validate.errors).toEqual([
        expect.objectContaining({ instancePath: '/lines/1/note', message: expect.stringMatching(/NUL/) }),
      ]);
    }
    expect(validate({ 'a/b\u0000': 'x' })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/a~1b\u0000');
  });

  it('accept text with characters outside the BMP (a surrogate pair is one character)', () => {
    const validate = compile(lines);
    expect(validate({ lines: [{ note: 'Tea 🍵 for 2 — naïve' }], extra: '日本' })).toBe(true);
    expect(validate.errors).toBeNull();
  });

  it('report schema errors as before when the schema fails first', () => {
    const validate = compile(lines);
    expect(validate({ lines: [{ note: 3 }] })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/lines/0/note', keyword: 'type' });
  });

  it('refuse to compile a request schema with a number that lacks a bound', () => {
    expect(() => compile({ type: 'object', properties: { n: { type: 'integer', minimum: 0 } } })).toThrow(
      /#\/properties\/n/,
    );
    expect(() => compile({ type: 'object', properties: { n: { type: 'number', maximum: 1 } } }, 'querystring')).toThrow(
      /querystring/,
    );
    expect(() =>
      compile({ type: 'object', properties: { n: { type: 'integer', minimum: 0, maximum: 2_147_483_647 } } }),
    ).not.toThrow();
  });
});
