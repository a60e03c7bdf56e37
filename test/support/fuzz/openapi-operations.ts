import type { Schema } from './schema-values.js';

export interface Parameter {
  name: string;
  required: boolean;
  schema: Schema;
}

/** One operation of the served OpenAPI document, in the shape the request generator needs. */
export interface Operation {
  method: string;
  /** As the document writes it: `/api/v1/products/{id}`. */
  path: string;
  pathParams: Parameter[];
  query: Parameter[];
  headers: Parameter[];
  body?: Schema;
  /** Whether the operation asks for a bearer token. */
  secured: boolean;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string; required?: boolean; schema: Schema }[];
        requestBody?: { content: Record<string, { schema: Schema }> };
        security?: unknown[];
      }
    >
  >;
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (where: string): Parameter[] =>
        (op.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required === true, schema: p.schema }));
      const body = op.requestBody?.content['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters('path'),
        query: parameters('query'),
        headers: parameters('header'),
        ...(body ? { body } : {}),
        secured: (op.security ?? []).length > 0,
      });
    }
  }
  return operations;
}
