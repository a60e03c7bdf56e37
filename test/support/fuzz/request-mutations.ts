import fc from 'fast-check';
import { forgeryNames } from '../forged-tokens.js';
import type { Operation } from './openapi-operations.js';
import { asText, nastyString, nastyValue, toJsonText } from './schema-values.js';

/** Ways to spoil the bearer token of the sender; the harness forges them when it sends. */
export const authorizationAttacks = [
  'lowercase-scheme',
  'uppercase-scheme',
  'no-scheme',
  'basic-scheme',
  ...forgeryNames,
  'garbage',
] as const;
export type AuthorizationAttack = (typeof authorizationAttacks)[number];

export type BodyMutation =
  | { kind: 'body-field'; pick: number; value: unknown }
  | { kind: 'drop-field'; pick: number }
  | { kind: 'extra-field'; pick: number; key: string; value: unknown }
  | { kind: 'body'; text: string };

export type TargetMutation =
  | { kind: 'param'; pick: number; value: string }
  | { kind: 'extra-query'; key: string; value: string }
  | { kind: 'repeat-query'; pick: number }
  | { kind: 'spelling'; style: Spelling; pick: number }
  | { kind: 'method'; value: string };

export type HeaderMutation =
  | { kind: 'header'; name: string; value: string }
  | { kind: 'authorization'; attack: AuthorizationAttack; garbage: string }
  | { kind: 'content-type'; value: string | null };

export type Mutation = BodyMutation | TargetMutation | HeaderMutation;

const spellings = [
  'percent-encoded-letter',
  'double-slash',
  'dot-segment',
  'dot-dot-segment',
  'trailing-slash',
  'absolute-form',
  'upper-case',
  'encoded-slash',
  'semicolon',
  'backslash',
  'raw-unicode',
] as const;
export type Spelling = (typeof spellings)[number];

const contentTypes = [
  null,
  'text/plain',
  'text/plain; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=iso-8859-1',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/problem+json',
  'application/json-patch+json',
  'APPLICATION/JSON',
  'application/json;charset=UTF-8',
  '*/*',
  '',
  'application/json, text/plain',
];

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'get'];

const malformedBodies: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '{',
    '{"a":}',
    '[1,]',
    'nul',
    '{"a":1}garbage',
    "{'a':1}",
    '\ufeff{}',
    '{"a":"\\ud800"}',
    '{"a":"\\u0000"}',
    '"\\ud800"',
    '1',
    'null',
    'true',
    '[]',
    '{"__proto__":{"role":"admin"}}',
  ),
  fc.constantFrom(64, 5_000, 100_000).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  // Past the body limit (1 MiB by default): 413, never a half-read body.
  fc.constant(`{"name":"${'x'.repeat(1_100_000)}"}`),
  nastyValue.map(toJsonText),
);

// Header values cannot hold CR or LF (they would end the header); everything else goes, NUL included.
const headerText = nastyValue.map((v) =>
  asText(v)
    .replace(/[\r\n]/g, ' ')
    .slice(0, 20_000),
);

type Weighted = fc.WeightedArbitrary<Mutation>;

/**
 * Every kind of mutation, named, with how it is drawn for an operation and how often: the weights
 * are relative to one another, and a kind that cannot apply to the operation weighs little or nothing.
 */
const mutationKinds: Record<Mutation['kind'], (operation: Operation) => Weighted> = {
  'body-field': () => ({
    arbitrary: fc.record({ kind: fc.constant('body-field' as const), pick: fc.nat(), value: nastyValue }),
    weight: 5,
  }),
  'drop-field': () => ({
    arbitrary: fc.record({ kind: fc.constant('drop-field' as const), pick: fc.nat() }),
    weight: 2,
  }),
  'extra-field': () => ({
    arbitrary: fc.record({
      kind: fc.constant('extra-field' as const),
      pick: fc.nat(),
      key: fc.oneof(fc.constantFrom('role', 'id', 'userId', 'price', 'admin', 'status'), nastyString),
      value: nastyValue,
    }),
    weight: 2,
  }),
  body: () => ({ arbitrary: fc.record({ kind: fc.constant('body' as const), text: malformedBodies }), weight: 2 }),
  param: (operation) => ({
    arbitrary: fc.record({ kind: fc.constant('param' as const), pick: fc.nat(), value: nastyValue.map(asText) }),
    weight: operation.pathParams.length + operation.query.length > 0 ? 5 : 1,
  }),
  'extra-query': () => ({
    arbitrary: fc.record({
      kind: fc.constant('extra-query' as const),
      key: fc.oneof(fc.constantFrom('limit', 'cursor', '__proto__', 'access_token'), nastyString),
      value: nastyValue.map(asText),
    }),
    weight: 1,
  }),
  'repeat-query': (operation) => ({
    arbitrary: fc.record({ kind: fc.constant('repeat-query' as const), pick: fc.nat() }),
    weight: operation.query.length > 0 ? 1 : 0,
  }),
  header: (operation) => ({
    arbitrary: fc.record({
      kind: fc.constant('header' as const),
      name: fc.constantFrom('Idempotency-Key', 'If-Match', 'If-None-Match', ...operation.headers.map((h) => h.name)),
      value: headerText,
    }),
    weight: 3,
  }),
  authorization: () => ({
    arbitrary: fc.record({
      kind: fc.constant('authorization' as const),
      attack: fc.constantFrom(...authorizationAttacks),
      garbage: headerText,
    }),
    weight: 3,
  }),
  'content-type': () => ({
    arbitrary: fc.record({ kind: fc.constant('content-type' as const), value: fc.constantFrom(...contentTypes) }),
    weight: 2,
  }),
  spelling: () => ({
    arbitrary: fc.record({
      kind: fc.constant('spelling' as const),
      style: fc.constantFrom(...spellings),
      pick: fc.nat(),
    }),
    weight: 3,
  }),
  method: () => ({
    arbitrary: fc.record({ kind: fc.constant('method' as const), value: fc.constantFrom(...methods) }),
    weight: 1,
  }),
};

/** One mutation of a request to `operation`, of any kind, drawn by the kinds' weights. */
export const mutationOf = (operation: Operation): fc.Arbitrary<Mutation> =>
  fc.oneof(...Object.values(mutationKinds).map((kind) => kind(operation)));
