/* eslint-disable max-lines -- the generator and its mutations, which change together */
import fc from 'fast-check';
import type { Operation } from './openapi-operations.js';
import { asText, nastyString, nastyValue, percentEncode, toJsonText, validValue, type Hints } from './schema-values.js';

/** Who sends a request: nobody, one of the two standing accounts, or a session made for this one request. */
export type Sender = 'anonymous' | 'customer' | 'admin' | 'fresh-session';

/** Ways to spoil the bearer token of the sender; the harness forges them when it sends. */
export const authorizationAttacks = [
  'lowercase-scheme',
  'uppercase-scheme',
  'no-scheme',
  'basic-scheme',
  'alg-none',
  'claims-role-admin',
  'claims-other-user',
  'foreign-key',
  'hs256-with-public-key',
  'expired',
  'not-yet-valid',
  'truncated',
  'garbage',
] as const;
export type AuthorizationAttack = (typeof authorizationAttacks)[number];

export interface FuzzRequest {
  operation: string;
  sender: Sender;
  authorization?: { attack: AuthorizationAttack; garbage?: string };
  /** What was done to a well-formed request, in order, for people reading a failure. */
  mutations: string[];
  method: string;
  target: string;
  headers: [string, string][];
  body?: string;
}

type BodyMutation =
  | { kind: 'body-field'; pick: number; value: unknown }
  | { kind: 'drop-field'; pick: number }
  | { kind: 'extra-field'; pick: number; key: string; value: unknown }
  | { kind: 'body'; text: string };

type TargetMutation =
  | { kind: 'param'; pick: number; value: string }
  | { kind: 'extra-query'; key: string; value: string }
  | { kind: 'repeat-query'; pick: number }
  | { kind: 'spelling'; style: Spelling; pick: number }
  | { kind: 'method'; value: string };

type HeaderMutation =
  | { kind: 'header'; name: string; value: string }
  | { kind: 'authorization'; attack: AuthorizationAttack; garbage: string }
  | { kind: 'content-type'; value: string | null };

type Mutation = BodyMutation | TargetMutation | HeaderMutation;

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
type Spelling = (typeof spellings)[number];

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

// eslint-disable-next-line max-lines-per-function -- one arbitrary per kind of mutation, side by side
const mutationOf = (operation: Operation): fc.Arbitrary<Mutation> => {
  const params = operation.pathParams.length + operation.query.length;
  const headerNames = ['Idempotency-Key', 'If-Match', 'If-None-Match', ...operation.headers.map((h) => h.name)];
  return fc.oneof(
    {
      arbitrary: fc.record({ kind: fc.constant('body-field' as const), pick: fc.nat(), value: nastyValue }),
      weight: 5,
    },
    { arbitrary: fc.record({ kind: fc.constant('drop-field' as const), pick: fc.nat() }), weight: 2 },
    {
      arbitrary: fc.record({
        kind: fc.constant('extra-field' as const),
        pick: fc.nat(),
        key: fc.oneof(fc.constantFrom('role', 'id', 'userId', 'price', 'admin', 'status'), nastyString),
        value: nastyValue,
      }),
      weight: 2,
    },
    { arbitrary: fc.record({ kind: fc.constant('body' as const), text: malformedBodies }), weight: 2 },
    {
      arbitrary: fc.record({ kind: fc.constant('param' as const), pick: fc.nat(), value: nastyValue.map(asText) }),
      weight: params > 0 ? 5 : 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('extra-query' as const),
        key: fc.oneof(fc.constantFrom('limit', 'cursor', '__proto__', 'access_token'), nastyString),
        value: nastyValue.map(asText),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('repeat-query' as const), pick: fc.nat() }),
      weight: operation.query.length > 0 ? 1 : 0,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('header' as const),
        name: fc.constantFrom(...headerNames),
        value: headerText,
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('authorization' as const),
        attack: fc.constantFrom(...authorizationAttacks),
        garbage: headerText,
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('content-type' as const), value: fc.constantFrom(...contentTypes) }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('spelling' as const),
        style: fc.constantFrom(...spellings),
        pick: fc.nat(),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ kind: fc.constant('method' as const), value: fc.constantFrom(...methods) }), weight: 1 },
  );
};

interface Draft {
  method: string;
  pathValues: Map<string, { text: string; raw: boolean }>;
  query: [string, string][];
  headers: Map<string, string>;
  body: unknown;
  bodyText?: string;
  contentType: string | null;
  spellings: { style: Spelling; pick: number }[];
  authorization?: FuzzRequest['authorization'];
  notes: string[];
}

export interface GeneratorOptions {
  hints: Hints;
  /** Who may send requests to this operation (fresh sessions for those that end the session). */
  senders: Sender[];
}

/** Requests for one operation: well-formed ones, and each spoiled by up to three mutations. */
export function requestsFor(operation: Operation, { hints, senders }: GeneratorOptions): fc.Arbitrary<FuzzRequest> {
  const record = (params: Operation['query'], onlyRequired = false) =>
    fc.record(Object.fromEntries(params.map((p) => [p.name, validValue(p.schema, p.name, hints)])), {
      requiredKeys: params.filter((p) => p.required || onlyRequired).map((p) => p.name),
    });
  const base = fc.record({
    path: record(operation.pathParams, true),
    query: record(operation.query),
    headers: record(operation.headers),
    body: operation.body ? validValue(operation.body, 'body', hints) : fc.constant(undefined),
    sender: fc.constantFrom(...senders),
  });
  // One mutation mostly: a request spoilt in several ways is refused for the first and tests little else.
  const mutation = mutationOf(operation);
  const mutations = fc.oneof(
    { arbitrary: fc.constant([]), weight: 1 },
    { arbitrary: mutation.map((m) => [m]), weight: 3 },
    { arbitrary: fc.array(mutation, { minLength: 2, maxLength: 3 }), weight: 1 },
  );
  return fc.tuple(base, mutations).map(([b, ms]) => {
    const draft: Draft = {
      method: operation.method,
      pathValues: new Map(Object.entries(b.path).map(([k, v]) => [k, { text: String(v), raw: false }])),
      query: Object.entries(b.query).map(([k, v]) => [k, String(v)]),
      headers: new Map(Object.entries(b.headers).map(([k, v]) => [k, String(v)])),
      body: b.body,
      contentType: operation.body ? 'application/json' : null,
      spellings: [],
      notes: [],
    };
    for (const m of ms) apply(draft, m, operation);
    return build(operation, b.sender, draft);
  });
}

const show = (value: unknown) => {
  const text = typeof value === 'string' ? JSON.stringify(value) : toJsonText(value);
  return text.length > 80 ? `${text.slice(0, 60)}… (${text.length} chars)` : text;
};

/** Every node of a JSON value with the path to it. */
function nodes(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; isObject: boolean }[] {
  const here = {
    path,
    isObject: !!value && typeof value === 'object' && !Array.isArray(value) && !('rawJson' in value),
  };
  if (!value || typeof value !== 'object' || 'rawJson' in value) return [here];
  const children = Object.entries(value).flatMap(([k, v]) => nodes(v, [...path, Array.isArray(value) ? Number(k) : k]));
  return [here, ...children];
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove && Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (remove) delete parent[last];
  else parent[last] = value;
  return copy;
}

const pointer = (path: (string | number)[]) => `/${path.join('/')}`;

function apply(draft: Draft, m: Mutation, operation: Operation): void {
  switch (m.kind) {
    case 'body-field':
    case 'drop-field':
    case 'extra-field':
    case 'body':
      return spoilBody(draft, m);
    case 'param':
    case 'extra-query':
    case 'repeat-query':
    case 'spelling':
    case 'method':
      return spoilTarget(draft, m, operation);
    case 'header':
    case 'authorization':
    case 'content-type':
      return spoilHeaders(draft, m);
  }
}

function spoilBody(draft: Draft, m: BodyMutation): void {
  switch (m.kind) {
    case 'body-field': {
      const all = nodes(draft.body ?? {});
      const node = all[m.pick % all.length]!;
      draft.body = setAt(draft.body ?? {}, node.path, m.value);
      draft.notes.push(`body ${pointer(node.path)} = ${show(m.value)}`);
      return;
    }
    case 'drop-field': {
      const all = nodes(draft.body ?? {}).filter((n) => n.path.length > 0);
      if (all.length === 0) return;
      const node = all[m.pick % all.length]!;
      draft.body = setAt(draft.body, node.path, undefined, true);
      draft.notes.push(`body ${pointer(node.path)} removed`);
      return;
    }
    case 'extra-field': {
      const objects = nodes(draft.body).filter((n) => n.isObject);
      const node = objects[m.pick % objects.length];
      draft.body = node ? setAt(draft.body, [...node.path, m.key], m.value) : { [m.key]: m.value };
      draft.notes.push(`body ${pointer([...(node?.path ?? []), m.key])} added = ${show(m.value)}`);
      return;
    }
    case 'body':
      draft.bodyText = m.text;
      draft.notes.push(`body text ${show(m.text)}`);
      return;
  }
}

function spoilTarget(draft: Draft, m: TargetMutation, operation: Operation): void {
  switch (m.kind) {
    case 'param': {
      const names = [
        ...operation.pathParams.map((p) => `path:${p.name}`),
        ...operation.query.map((p) => `query:${p.name}`),
      ];
      if (names.length === 0) return;
      const [where, name] = names[m.pick % names.length]!.split(':') as [string, string];
      if (where === 'path') draft.pathValues.set(name, { text: m.value, raw: false });
      else draft.query = [...draft.query.filter(([k]) => k !== name), [name, m.value]];
      draft.notes.push(`${where} parameter ${name} = ${show(m.value)}`);
      return;
    }
    case 'extra-query':
      draft.query.push([m.key, m.value]);
      draft.notes.push(`query ${show(m.key)} added = ${show(m.value)}`);
      return;
    case 'repeat-query': {
      const name = operation.query[m.pick % operation.query.length]!.name;
      const value = draft.query.find(([k]) => k === name)?.[1] ?? '1';
      draft.query.push([name, value], [name, value]);
      draft.notes.push(`query ${name} repeated`);
      return;
    }
    case 'spelling':
      draft.spellings.push({ style: m.style, pick: m.pick });
      draft.notes.push(`path spelt ${m.style}`);
      return;
    case 'method':
      draft.method = m.value;
      draft.notes.push(`method ${m.value}`);
      return;
  }
}

function spoilHeaders(draft: Draft, m: HeaderMutation): void {
  switch (m.kind) {
    case 'header':
      draft.headers.set(m.name.toLowerCase(), m.value);
      draft.notes.push(`header ${m.name}: ${show(m.value)}`);
      return;
    case 'authorization':
      draft.authorization = m.attack === 'garbage' ? { attack: m.attack, garbage: m.garbage } : { attack: m.attack };
      draft.notes.push(`authorization ${m.attack}${m.attack === 'garbage' ? ` ${show(m.garbage)}` : ''}`);
      return;
    case 'content-type':
      draft.contentType = m.value;
      draft.notes.push(`content-type ${m.value === null ? 'missing' : show(m.value)}`);
      if (draft.body === undefined && draft.bodyText === undefined) draft.body = {};
      return;
  }
}

function spell(path: string, style: Spelling, pick: number): string {
  const slashes = [...path.matchAll(/\//g)].map((s) => s.index).slice(1);
  const slash = slashes[pick % Math.max(1, slashes.length)] ?? 0;
  switch (style) {
    case 'percent-encoded-letter': {
      const letters = [...path.matchAll(/[a-z0-9]/gi)].map((s) => s.index);
      const at = letters[pick % letters.length]!;
      const hex = path.charCodeAt(at).toString(16);
      return `${path.slice(0, at)}%${pick % 2 ? hex.toUpperCase() : hex}${path.slice(at + 1)}`;
    }
    case 'double-slash':
      return `${path.slice(0, slash)}/${path.slice(slash)}`;
    case 'dot-segment':
      return `${path.slice(0, slash)}/.${path.slice(slash)}`;
    case 'dot-dot-segment':
      return `${path.slice(0, slash)}/x/..${path.slice(slash)}`;
    case 'trailing-slash':
      return `${path}/`;
    case 'upper-case':
      return path.toUpperCase();
    case 'encoded-slash':
      return `${path.slice(0, slash)}%2F${path.slice(slash + 1)}`;
    case 'semicolon':
      return `${path};x=1`;
    case 'backslash':
      return `${path.slice(0, slash)}\\${path.slice(slash + 1)}`;
    case 'raw-unicode':
      return `${path}é`;
    case 'absolute-form':
      return path;
  }
}

const clip = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/** How fast-check prints a counterexample: the request as it goes on the wire, long values clipped. */
export function describeRequest(request: FuzzRequest): string {
  const headers = request.headers.map(([k, v]) => `\n  ${k}: ${clip(JSON.stringify(v))}`).join('');
  const body = request.body === undefined ? '' : `\n  body ${clip(JSON.stringify(request.body), 400)}`;
  return `${request.operation} as ${request.sender}; ${request.mutations.join('; ') || 'well-formed'}\n  ${request.method} ${clip(request.target, 300)}${headers}${body}`;
}

function build(operation: Operation, sender: Sender, draft: Draft): FuzzRequest {
  let path = operation.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    percentEncode(draft.pathValues.get(name)?.text ?? ''),
  );
  for (const { style, pick } of draft.spellings) path = spell(path, style, pick);
  if (draft.spellings.some((s) => s.style === 'absolute-form')) path = `http://shop.example${path}`;
  const query = draft.query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
  const headers: [string, string][] = [...draft.headers];
  if (draft.contentType !== null) headers.push(['content-type', draft.contentType]);
  const body = draft.bodyText ?? (draft.body === undefined ? undefined : toJsonText(draft.body));
  const request: FuzzRequest = {
    operation: `${operation.method} ${operation.path}`,
    sender,
    ...(draft.authorization ? { authorization: draft.authorization } : {}),
    mutations: draft.notes,
    method: draft.method,
    target: query ? `${path}?${query}` : path,
    headers,
    ...(body === undefined ? {} : { body }),
  };
  return Object.defineProperty(request, fc.toStringMethod, { value: () => describeRequest(request) });
}
