import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMime } from './mime-message.js';

const from = 'Emporium <shop@emporium.test>';
const base = { to: 'ada@example.test', subject: 's', text: 't', html: '<p>t</p>' };

describe('composeMime', () => {
  it('writes CRLF lines no longer than 78 characters, whatever the content', async () => {
    const text = `${'Grüße '.repeat(60)}\nline two\r\nline three\rend`;
    const { raw } = composeMime(from, {
      ...base,
      subject: `A long subject ${'with many words '.repeat(8)}✓`,
      text,
      html: `<p>${'x'.repeat(500)}</p>`,
    });
    const source = raw.toString('utf8');
    expect(source).not.toMatch(/[^\r]\n/);
    expect(source).not.toMatch(/\r[^\n]/);
    expect(Math.max(...source.split('\r\n').map((line) => line.length))).toBeLessThanOrEqual(78);
    const mail = await simpleParser(raw);
    expect(mail.text).toBe(`${'Grüße '.repeat(60)}\nline two\nline three\nend`);
    expect(mail.html).toBe(`<p>${'x'.repeat(500)}</p>`);
    expect(mail.subject).toBe(`A long subject ${'with many words '.repeat(8)}✓`);
  });

  it('keeps a line break in a header value from starting a header of its own', async () => {
    const { raw } = composeMime(from, {
      ...base,
      subject: 'Hi\r\nBcc: victim@example.test',
      headers: { 'X-Note': 'a\nX-Evil: 1' },
    });
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe('Hi Bcc: victim@example.test');
    expect(mail.headers.get('x-note')).toBe('a X-Evil: 1');
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.headers.has('x-evil')).toBe(false);
  });

  it('encodes names outside ASCII, quotes names with specials, and sends international domains as punycode', async () => {
    const { raw, envelope } = composeMime('"Emporium, Shop" <shop@emporium.test>', {
      ...base,
      to: 'Zoë Ångström <zoe@bücher.example>',
    });
    const mail = await simpleParser(raw);
    expect(mail.from?.value).toEqual([{ name: 'Emporium, Shop', address: 'shop@emporium.test' }]);
    expect(raw.toString('utf8')).toContain('<zoe@xn--bcher-kva.example>');
    expect(mail.to).toMatchObject({ value: [{ name: 'Zoë Ångström', address: 'zoe@bücher.example' }] });
    expect(envelope).toEqual({ from: 'shop@emporium.test', to: ['zoe@xn--bcher-kva.example'] });
  });

  it('makes a Message-ID in the sender domain when none is given, and brackets a given one', () => {
    expect(composeMime(from, base).messageId).toMatch(/^<[\w-]+@emporium\.test>$/);
    expect(composeMime(from, { ...base, messageId: 'order-confirmed.1@emporium.test' }).messageId).toBe(
      '<order-confirmed.1@emporium.test>',
    );
  });

  it('refuses a recipient without an address and a header name that is not one', () => {
    expect(() => composeMime(from, { ...base, to: 'Nobody' })).toThrow(/no email address in "to"/);
    expect(() => composeMime(from, { ...base, headers: { 'Bad Name': 'x' } })).toThrow(/not a header name/);
  });
});
