import { PaymentRefundedData, paymentRefundedType } from '../../../contracts/events/payment-events.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { onPaymentFact } from './on-payment-fact.js';

/** Refunded (a cancelled order that had been paid): the order's payment shows `refunded`. */
export const onPaymentRefunded = (ctx: OrdersContext) => onPaymentFact(ctx, paymentRefundedType, PaymentRefundedData, (order, _data, at) => order.paymentRefunded(at));
