import { orderShippedType } from '../../../contracts/events/order-events.js';
import { queueEmailOn } from './queue-email-on.js';

export const onOrderShipped = queueEmailOn(orderShippedType, 'order_shipped');
