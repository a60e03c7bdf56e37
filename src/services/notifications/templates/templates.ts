import type {
  OrderCancelledData,
  OrderConfirmedData,
  OrderShippedData,
} from '../../../contracts/events/order-events.js';
import type { Email, Recipient } from './email-parts.js';
import { orderCancelledEmail, orderCancelledSubject } from './order-cancelled.js';
import { orderConfirmedEmail, orderConfirmedSubject } from './order-confirmed.js';
import { orderShippedEmail, orderShippedSubject } from './order-shipped.js';
import { welcomeEmail, welcomeSubject } from './welcome.js';

export const templateNames = ['welcome', 'order_confirmed', 'order_cancelled', 'order_shipped'] as const;
export type TemplateName = (typeof templateNames)[number];

/** The data each template is rendered from (kept with the notification until it is sent). */
export interface TemplateData {
  welcome: Record<string, never>;
  order_confirmed: OrderConfirmedData;
  order_cancelled: OrderCancelledData;
  order_shipped: OrderShippedData;
}

/** Subject lines are fixed when the notification is created, so the list shows them before sending. */
export function subjectOf(template: TemplateName, data: unknown): string {
  switch (template) {
    case 'welcome':
      return welcomeSubject();
    case 'order_confirmed':
      return orderConfirmedSubject(data as OrderConfirmedData);
    case 'order_cancelled':
      return orderCancelledSubject(data as OrderCancelledData);
    case 'order_shipped':
      return orderShippedSubject(data as OrderShippedData);
  }
}

export function render(template: TemplateName, data: unknown, recipient: Recipient): Email {
  switch (template) {
    case 'welcome':
      return welcomeEmail(recipient);
    case 'order_confirmed':
      return orderConfirmedEmail(data as OrderConfirmedData, recipient);
    case 'order_cancelled':
      return orderCancelledEmail(data as OrderCancelledData, recipient);
    case 'order_shipped':
      return orderShippedEmail(data as OrderShippedData, recipient);
  }
}
