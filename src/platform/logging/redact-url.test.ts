import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['/api/v1/me?access_token=eyJhbGciOi.eyJzdWIi.sig', '/api/v1/me?access_token=[REDACTED]'],
    ['/x?q=shoes&Token=abc&CODE=123&limit=5', '/x?q=shoes&Token=[REDACTED]&CODE=[REDACTED]&limit=5'],
    [
      '/x?refresh%5Ftoken=abc&id_token=def&password=hunter2&api-key=k',
      '/x?refresh%5Ftoken=[REDACTED]&id_token=[REDACTED]&password=[REDACTED]&api-key=[REDACTED]',
    ],
    [
      '/x?client_secret=s&X-Amz-Signature=s&sessionId=s',
      '/x?client_secret=[REDACTED]&X-Amz-Signature=[REDACTED]&sessionId=[REDACTED]',
    ],
    ['http://ada:pw@shop.example/api/v1/me?token=t', 'http://[REDACTED]@shop.example/api/v1/me?token=[REDACTED]'],
  ])('redacts %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    '/api/v1/products?q=token+ring&category=keyboards&cursor=abc',
    '/api/v1/products/prd_1',
    '/x?flag',
    '/x?%zz=1',
  ])('keeps %s as it is', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});
