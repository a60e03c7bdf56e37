import type { OrderLine } from '../../../contracts/events/order-events.js';
import { formatMoney, type Money } from '../../../contracts/money.js';

/** A rendered email. */
export interface Email {
  subject: string;
  text: string;
  html: string;
}

/** Who an email greets. */
export interface Recipient {
  email: string;
  name: string;
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every piece of user data goes into HTML through this. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => entities[c] ?? c);

/** Tagged template for HTML: interpolated strings are escaped, `Html` values are trusted markup. */
export class Html {
  constructor(readonly markup: string) {}
}
export const html = (strings: TemplateStringsArray, ...values: (string | number | Html | Html[])[]): Html =>
  new Html(
    strings.reduce((out, part, i) => {
      const value = i > 0 ? values[i - 1] : '';
      const rendered = Array.isArray(value)
        ? value.map((v) => v.markup).join('')
        : value instanceof Html
          ? value.markup
          : escapeHtml(String(value));
      return out + (i > 0 ? rendered : '') + part;
    }, ''),
  );

export function linesText(lines: readonly OrderLine[]): string {
  return lines
    .map((l) => `  ${l.quantity} × ${l.name} (${l.sku}) at ${formatMoney(l.unitPrice)} = ${formatMoney(l.lineTotal)}`)
    .join('\n');
}

export function linesHtml(lines: readonly OrderLine[], total: Money): Html {
  const rows = lines.map(
    (l) =>
      html`<tr>
        <td>${l.name} <small>(${l.sku})</small></td>
        <td align="right">${l.quantity}</td>
        <td align="right">${formatMoney(l.unitPrice)}</td>
        <td align="right">${formatMoney(l.lineTotal)}</td>
      </tr>`,
  );
  return html`<table cellpadding="4" style="border-collapse:collapse">
    <thead>
      <tr>
        <th align="left">Item</th>
        <th align="right">Qty</th>
        <th align="right">Price</th>
        <th align="right">Total</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
    <tfoot>
      <tr>
        <td colspan="3"><strong>Total</strong></td>
        <td align="right"><strong>${formatMoney(total)}</strong></td>
      </tr>
    </tfoot>
  </table>`;
}

/** The frame every email shares: greeting, body, sign-off. */
export function layout(recipient: Recipient, text: string[], body: Html): { text: string; html: string } {
  return {
    text: [`Hello ${recipient.name},`, '', ...text, '', 'Thank you for shopping with Emporium.', ''].join('\n'),
    html: html`<!doctype html>
      <html>
        <body style="font-family:sans-serif">
          <p>Hello ${recipient.name},</p>
          ${body}
          <p>Thank you for shopping with Emporium.</p>
        </body>
      </html>`.markup,
  };
}
