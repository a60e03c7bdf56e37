import { PaymentFailedData, paymentFailedType } from '../../../contracts/events/payment-events.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { onPaymentFact } from './on-payment-fact.js';

/** Declined: a waiting order is cancelled with `payment_declined` (`order.cancelled` releases its stock). */
export const onPaymentFailed = (ctx: OrdersContext) => onPaymentFact(ctx, paymentFailedType, PaymentFailedData, (order, data, at) => order.paymentFailed(data.attempts, at));
