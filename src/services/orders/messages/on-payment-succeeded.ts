import { PaymentSucceededData, paymentSucceededType } from '../../../contracts/events/payment-events.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { onPaymentFact } from './on-payment-fact.js';

/** Paid: a waiting order is confirmed (`order.confirmed`); one cancelled meanwhile stays cancelled and payments refunds it. */
export const onPaymentSucceeded = (ctx: OrdersContext) => onPaymentFact(ctx, paymentSucceededType, PaymentSucceededData, (order, data, at) => order.paymentSucceeded(data.attempts, at));
