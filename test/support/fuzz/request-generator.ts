import fc from 'fast-check';
import type { Operation } from './openapi-operations.js';
import { percentEncode, toJsonText, validValue, type Hints } from './schema-values.js';
import { apply, spell, type Draft } from './request-draft.js';
import { mutationOf } from './request-mutations.js';

/** Who sends a request: nobody, one of the two standing accounts, or a session made for this one request. */
export type Sender = 'anonymous' | 'customer' | 'admin' | 'fresh-session';

export interface FuzzRequest {
  operation: string;
  sender: Sender;
  authorization?: Draft['authorization'];
  /** What was done to a well-formed request, in order, for people reading a failure. */
  mutations: string[];
  method: string;
  target: string;
  headers: [string, string][];
  body?: string;
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
