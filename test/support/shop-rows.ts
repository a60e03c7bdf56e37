import { sql } from 'kysely';
import type { TestApp } from './test-app.js';

/** A product's units on hand and units reserved for orders, as the catalog stores them. */
export async function stockRow(app: TestApp, productId: string) {
  const { rows } = await sql<{
    on_hand: number;
    reserved: number;
  }>`select on_hand, reserved from catalog.inventory where product_id = ${productId}`.execute(
    app.infrastructure.db.root,
  );
  return rows[0];
}

/** Reservations the catalog holds for these products, whatever their orders. */
export async function reservationCount(app: TestApp, productIds: string[]): Promise<number> {
  const { rows } = await sql<{
    n: string;
  }>`select count(*) as n from catalog.reservations where product_id in (${sql.join(productIds)})`.execute(
    app.infrastructure.db.root,
  );
  return Number(rows[0]?.n);
}

/** Orders the orders service wrote for a user, whatever their status. */
export async function orderCount(app: TestApp, userId: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from orders.orders where user_id = ${userId}`.execute(
    app.infrastructure.db.root,
  );
  return Number(rows[0]?.n);
}

/** The events the orders service wrote about an order, oldest first. */
export async function orderEvents(app: TestApp, orderId: string) {
  const { rows } = await sql<{
    type: string;
    data: Record<string, unknown>;
  }>`select type, data from orders.outbox where data->>'orderId' = ${orderId} order by seq`.execute(
    app.infrastructure.db.root,
  );
  return rows;
}
