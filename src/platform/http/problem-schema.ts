import { Type } from 'typebox';

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable machine-readable error code.' }),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, $id: 'Problem', title: 'Problem', description: 'RFC 9457 problem details.' },
);

const problemResponse = (status: number) => ({
  description: `Error (${status})`,
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
});

/** Response schemas for the given error statuses, all problem+json. */
export function problems(...statuses: number[]): Record<number, ReturnType<typeof problemResponse>> {
  return Object.fromEntries(statuses.map((s) => [s, problemResponse(s)]));
}
