import type { CancellationReason, OrderCancelledData } from '../../../contracts/events/order-events.js';
import { formatMoney } from '../../../contracts/money.js';
import { html, layout, linesHtml, linesText, type Email, type Recipient } from './email-parts.js';

const reasons: Record<CancellationReason, string> = {
  payment_declined: 'your card issuer declined the payment',
  payment_timeout: 'we could not complete the payment in time',
  customer_request: 'you asked us to cancel it',
};

export const orderCancelledSubject = (order: OrderCancelledData): string => `Your order ${order.orderId} is cancelled`;

export function orderCancelledEmail(order: OrderCancelledData, recipient: Recipient): Email {
  const why = `Order ${order.orderId} is cancelled because ${reasons[order.reason]}. Status: cancelled.`;
  const refund =
    order.previousStatus === 'confirmed'
      ? `The ${formatMoney(order.total)} you paid is being refunded to your card; banks usually show it within 5–10 days.`
      : 'You have not been charged.';
  return {
    subject: orderCancelledSubject(order),
    ...layout(
      recipient,
      [why, refund, '', linesText(order.items), `  Total: ${formatMoney(order.total)}`],
      html`<p>${why}</p>
        <p>${refund}</p>
        ${linesHtml(order.items, order.total)}`,
    ),
  };
}
