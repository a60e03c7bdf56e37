import type { OrderShippedData } from '../../../contracts/events/order-events.js';
import { formatMoney } from '../../../contracts/money.js';
import { html, layout, linesHtml, linesText, type Email, type Recipient } from './email-parts.js';

export const orderShippedSubject = (order: OrderShippedData): string => `Your order ${order.orderId} has shipped`;

export function orderShippedEmail(order: OrderShippedData, recipient: Recipient): Email {
  return {
    subject: orderShippedSubject(order),
    ...layout(
      recipient,
      [
        `Order ${order.orderId} is on its way. Status: shipped.`,
        `Carrier: ${order.carrier}, tracking number: ${order.trackingNumber}.`,
        '',
        linesText(order.items),
        `  Total: ${formatMoney(order.total)}`,
      ],
      html`<p>Order <strong>${order.orderId}</strong> is on its way. Status: <strong>shipped</strong>.</p>
        <p>Carrier: ${order.carrier}, tracking number: <strong>${order.trackingNumber}</strong>.</p>
        ${linesHtml(order.items, order.total)}`,
    ),
  };
}
