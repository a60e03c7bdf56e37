import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from './email-parts.js';
import { orderCancelledEmail } from './order-cancelled.js';

describe('email parts', () => {
  it('escapes interpolated values and keeps nested markup', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${[inner, inner]}${'&'}</p>`.markup).toBe(
      '<p><b>&lt;i&gt;</b><b>&lt;i&gt;</b><b>&lt;i&gt;</b>&amp;</p>',
    );
  });

  it('says why an order was cancelled and whether money comes back', () => {
    const order = { orderId: 'ord_1', userId: 'u', items: [], total: { amount: 500, currency: 'USD' } };
    const who = { email: 'a@example.test', name: '<Ada>' };
    const declined = orderCancelledEmail(
      { ...order, reason: 'payment_declined', previousStatus: 'pending_payment' },
      who,
    );
    expect(declined.text).toContain('declined the payment');
    expect(declined.text).toContain('You have not been charged.');
    expect(declined.html).toContain('Hello &lt;Ada&gt;,');
    const refunded = orderCancelledEmail({ ...order, reason: 'customer_request', previousStatus: 'confirmed' }, who);
    expect(refunded.text).toContain('The $5.00 you paid is being refunded');
  });
});
