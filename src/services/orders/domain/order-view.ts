import type {
  CancellationReason,
  HistoryEntry,
  OrderLine,
  OrderSnapshot,
  OrderStatus,
  PaymentStatus,
  Shipment,
  ShippingAddress,
} from './order.js';
import type { Money } from '../../../contracts/money.js';

/** An order as the API shows it to its customer. */
export interface OrderView {
  id: string;
  status: OrderStatus;
  items: OrderLine[];
  total: Money;
  shippingAddress: ShippingAddress;
  payment: { status: PaymentStatus; attempts: number };
  cancellationReason?: CancellationReason;
  shipment?: Shipment;
  createdAt: string;
  updatedAt: string;
  history: HistoryEntry[];
}

/** Admins also see whose order it is. */
export interface AdminOrderView extends OrderView {
  userId: string;
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
