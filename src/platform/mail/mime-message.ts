import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import addressparser, { type MailboxAddress } from 'nodemailer/lib/addressparser';
import { encodeWord, encodeWords, foldLines, quoteString } from 'nodemailer/lib/mime-funcs';
import { encode as quotedPrintable, wrap as wrapQuotedPrintable } from 'nodemailer/lib/qp';
import { angleBracketed, type MailMessage } from './mailer.js';

/** A message ready to deliver: its RFC 5322 bytes and the SMTP envelope read from its addresses. */
export interface MimeMessage {
  raw: Buffer;
  messageId: string;
  envelope: { from: string; to: string[] };
}

/**
 * Every email Emporium sends has one shape: a plain-text and an HTML alternative, UTF-8,
 * quoted-printable. It is assembled here from nodemailer's own encoders (addresses, encoded
 * words, header folding, quoted-printable) instead of by nodemailer's streaming composer, which
 * cost about ten times as much CPU per message: each confirmation email of a busy shop.
 */
export function composeMime(from: string, message: MailMessage, now = new Date()): MimeMessage {
  const sender = mailboxes(from, 'from')[0] as MailboxAddress;
  const recipients = mailboxes(message.to, 'to');
  const messageId = angleBracketed(
    message.messageId ?? `${randomUUID()}@${sender.address.split('@').pop() ?? 'localhost'}`,
  );
  const boundary = `--_emporium_${randomUUID()}`;
  const headers: [string, string][] = [
    ['From', formatMailboxes([sender])],
    ['To', formatMailboxes(recipients)],
    ['Subject', encodeWords(oneLine(message.subject), 'Q', 52)],
    ['Message-ID', messageId],
    ['Date', now.toUTCString().replace(/GMT$/, '+0000')],
    ['MIME-Version', '1.0'],
    ...Object.entries(message.headers ?? {}).map(([name, value]): [string, string] => [
      headerName(name),
      encodeWords(oneLine(value), 'Q', 52),
    ]),
    ['Content-Type', `multipart/alternative; boundary="${boundary}"`],
  ];
  const raw = [
    ...headers.map(([name, value]) => foldLines(`${name}: ${value}`, 76)),
    '',
    `--${boundary}`,
    ...textPart('text/plain', message.text),
    `--${boundary}`,
    ...textPart('text/html', message.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return {
    raw: Buffer.from(raw, 'utf8'),
    messageId,
    envelope: { from: sender.address, to: recipients.map((r) => r.address) },
  };
}

function textPart(type: string, body: string): string[] {
  const crlf = body.replace(/\r\n|\r|\n/g, '\r\n');
  return [
    `Content-Type: ${type}; charset=utf-8`,
    'Content-Transfer-Encoding: quoted-printable',
    '',
    wrapQuotedPrintable(quotedPrintable(crlf), 76),
  ];
}

function mailboxes(value: string, field: string): MailboxAddress[] {
  const found = addressparser(oneLine(value), { flatten: true })
    .filter((a) => a.address)
    .map((a) => ({ name: a.name, address: asciiDomain(a.address) }));
  if (found.length === 0) throw new Error(`no email address in "${field}": ${JSON.stringify(value)}`);
  return found;
}

// International domains travel as punycode; the local part stays as written (SMTPUTF8 servers take it).
function asciiDomain(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0 || /^[\x20-\x7e]*$/.test(address)) return address;
  return `${address.slice(0, at)}@${domainToASCII(address.slice(at + 1)) || address.slice(at + 1)}`;
}

function formatMailboxes(list: MailboxAddress[]): string {
  return list.map(({ name, address }) => (name ? `${displayName(name)} <${address}>` : address)).join(', ');
}

function displayName(name: string): string {
  if (/^[\w ]*$/.test(name)) return name;
  return /^[\x20-\x7e]*$/.test(name) ? quoteString(name) : encodeWord(name, 'Q', 52);
}

// A line break inside a header value would start a header of the caller's choosing.
const oneLine = (value: string): string => value.replace(/\r\n|\r|\n/g, ' ');

function headerName(name: string): string {
  if (!/^[!-9;-~]+$/.test(name)) throw new Error(`not a header name: ${JSON.stringify(name)}`);
  return name;
}
