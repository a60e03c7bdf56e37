import type {
  CancellationReason,
  HistoryEntry,
  OrderLine,
  OrderSnapshot,
  OrderStatus,
  PaymentState,
  Shipment,
  ShippingAddress,
} from './order.js';
import type { Money } from '../../../contracts/money.js';

/** An order as the API shows it to its customer; it shares the parts of the snapshot it shows. */
export interface OrderView {
  readonly id: string;
  readonly status: OrderStatus;
  readonly items: readonly OrderLine[];
  readonly total: Money;
  readonly shippingAddress: ShippingAddress;
  readonly payment: PaymentState;
  readonly cancellationReason?: CancellationReason;
  readonly shipment?: Shipment;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly history: readonly HistoryEntry[];
}

/** Admins also see whose order it is. */
export interface AdminOrderView extends OrderView {
  readonly userId: string;
}

export function toOrderView(s: OrderSnapshot): OrderView {
  return {
    id: s.id,
    status: s.status,
    items: s.items,
    total: s.total,
    shippingAddress: s.shippingAddress,
    payment: s.payment,
    ...(s.cancellationReason ? { cancellationReason: s.cancellationReason } : {}),
    ...(s.shipment ? { shipment: s.shipment } : {}),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    history: s.history,
  };
}

export const toAdminOrderView = (s: OrderSnapshot): AdminOrderView => ({ ...toOrderView(s), userId: s.userId });
