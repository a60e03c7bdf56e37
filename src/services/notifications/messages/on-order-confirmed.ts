import { orderConfirmedType } from '../../../contracts/events/order-events.js';
import { queueEmailOn } from './queue-email-on.js';

export const onOrderConfirmed = queueEmailOn(orderConfirmedType, 'order_confirmed');
