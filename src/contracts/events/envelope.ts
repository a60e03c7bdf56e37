/**
 * Every event on the bus: a past-tense fact, published by the service that owns it.
 * `traceparent` carries the W3C trace context of the request that caused it.
 */
export interface EventEnvelope<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  version: number;
  occurredAt: string;
  data: Data;
  traceparent: string | null;
}

/** What a producer writes; the outbox fills in id, occurredAt and version. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  version?: number;
}
