import { orderCancelledType } from '../../../contracts/events/order-events.js';
import { queueEmailOn } from './queue-email-on.js';

export const onOrderCancelled = queueEmailOn(orderCancelledType, 'order_cancelled');
