import type { OrderConfirmedData } from '../../../contracts/events/order-events.js';
import { formatMoney } from '../../../contracts/money.js';
import { html, layout, linesHtml, linesText, type Email, type Recipient } from './email-parts.js';

export const orderConfirmedSubject = (order: OrderConfirmedData): string => `Your order ${order.orderId} is confirmed`;

export function orderConfirmedEmail(order: OrderConfirmedData, recipient: Recipient): Email {
  return {
    subject: orderConfirmedSubject(order),
    ...layout(
      recipient,
      [
        `We received your payment: order ${order.orderId} is confirmed. Status: confirmed.`,
        '',
        linesText(order.items),
        `  Total: ${formatMoney(order.total)}`,
        '',
        'We will write again when it ships.',
      ],
      html`<p>
          We received your payment: order <strong>${order.orderId}</strong> is confirmed. Status:
          <strong>confirmed</strong>.
        </p>
        ${linesHtml(order.items, order.total)}
        <p>We will write again when it ships.</p>`,
    ),
  };
}
