import type {
  AuthorizationAttack,
  BodyMutation,
  HeaderMutation,
  Mutation,
  Spelling,
  TargetMutation,
} from './request-mutations.js';
import type { Operation } from './openapi-operations.js';
import { toJsonText } from './schema-values.js';

/** A well-formed request being spoilt, before it is put on the wire. */
export interface Draft {
  method: string;
  pathValues: Map<string, { text: string; raw: boolean }>;
  query: [string, string][];
  headers: Map<string, string>;
  body: unknown;
  bodyText?: string;
  contentType: string | null;
  spellings: { style: Spelling; pick: number }[];
  authorization?: { attack: AuthorizationAttack; garbage?: string };
  notes: string[];
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

/** Spoils the draft in the way `m` says, and notes how for a person reading a failure. */
export function apply(draft: Draft, m: Mutation, operation: Operation): void {
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

/** The path as spelt in the given style: the same route to a lenient router, or a different one. */
export function spell(path: string, style: Spelling, pick: number): string {
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
