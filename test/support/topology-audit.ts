import { failed, type FlowOutcome, type Sent } from './checkout-flow.js';
import { expectedOrderEmails, orderEmails, stockCounts, type ShopRecords } from './shop-audit.js';
import type { SmtpSink } from './smtp-sink.js';
import type { Topology } from './topology.js';

/** Processes stopped and started again, and the time around it when requests may fail. */
export interface Disruption {
  signal: 'SIGKILL' | 'SIGTERM';
  what: string;
  from: number;
  /** When the processes stopped, and when they were ready again. */
  exited: number;
  back: number;
  to: number;
}

export interface Audit {
  accepted: number;
  refused: Map<string, number>;
  askedAgain: number;
  checkoutsFailed: number;
  longestCheckoutMs: number;
  byStatus: Map<string, number>;
  unknownOrders: string[];
  missingOrders: string[];
  stuck: string[];
  charges: number;
  refunds: number;
  cancelledAfterCharge: number;
  overcharged: string[];
  refundsWrong: string[];
  paymentsWithoutOrder: number;
  stock: ReturnType<typeof stockCounts>;
  emails: number;
  emailsWrong: string[];
  welcomes: number;
  requests: number;
  failures: { sigkill: Sent[]; sigterm: Sent[]; elsewhere: Sent[] };
}

/** Failed requests, by the kind of disruption whose window they overlap. */
function failuresByWindow(sent: Sent[], windows: Disruption[]): Audit['failures'] {
  const overlaps = (s: Sent, w: Disruption) => s.startedAt <= w.to && s.endedAt >= w.from;
  const failures = { sigkill: [] as Sent[], sigterm: [] as Sent[], elsewhere: [] as Sent[] };
  for (const s of sent.filter(failed)) {
    if (windows.some((w) => w.signal === 'SIGKILL' && overlaps(s, w))) failures.sigkill.push(s);
    else if (windows.some((w) => w.signal === 'SIGTERM' && overlaps(s, w))) failures.sigterm.push(s);
    else failures.elsewhere.push(s);
  }
  return failures;
}

/** The order an email key (`<order id> <event>`) is about. */
const orderOf = (key: string) => key.split(' ')[0] ?? '';

/** Emails about the flow's orders, and about orders that do not exist at all, that are not one per event. */
function emailsNotOnePerEvent(
  records: ShopRecords,
  flowOrders: ShopRecords['orders'],
  got: Map<string, number>,
): string[] {
  const inDatabase = new Set(flowOrders.map((o) => o.id));
  const expected = expectedOrderEmails({ ...records, orders: flowOrders });
  const anyOrder = new Set(records.orders.map((o) => o.id));
  return [...new Set([...got.keys(), ...expected.keys()])]
    .filter((key) => inDatabase.has(orderOf(key)) || !anyOrder.has(orderOf(key)))
    .filter((key) => (got.get(key) ?? 0) !== (expected.get(key) ?? 0))
    .map((key) => `${key}: ${got.get(key) ?? 0} emails`);
}

/** What the run did to the shop and its customers, read from its records, its emails and what clients saw. */
export function auditRun(
  records: ShopRecords,
  outcome: FlowOutcome,
  sent: Sent[],
  windows: Disruption[],
  initial: Map<string, number>,
  smtp: SmtpSink,
  shopperEmails: string[],
): Audit {
  const flowProducts = new Set(initial.keys());
  const flowOrders = records.orders.filter((o) => o.lines.some((l) => flowProducts.has(l.productId)));
  const accepted = new Set(outcome.accepted.map((a) => a.orderId));
  const inDatabase = new Set(flowOrders.map((o) => o.id));
  const byStatus = new Map<string, number>();
  for (const order of flowOrders) byStatus.set(order.status, (byStatus.get(order.status) ?? 0) + 1);

  const ledger = (id: string) => records.ledger.get(id) ?? { charges: 0, refunds: 0 };
  const overcharged = flowOrders
    .filter((o) => ledger(o.id).charges > 1 || (o.wasConfirmed && ledger(o.id).charges !== 1))
    .map((o) => o.id);
  const refundsWrong = flowOrders
    .filter((o) => ledger(o.id).refunds !== (o.status === 'cancelled' && o.wasConfirmed ? 1 : 0))
    .map((o) => o.id);

  const got = orderEmails(smtp.received);
  const emailsWrong = emailsNotOnePerEvent(records, flowOrders, got);

  const failures = failuresByWindow(sent, windows);

  const checkouts = sent.filter((s) => s.path === '/api/v1/checkout');
  return {
    accepted: accepted.size,
    refused: outcome.refused,
    askedAgain: checkouts.filter(
      (s) => s.code === 'idempotency_request_in_progress' || s.code === 'checkout_in_progress',
    ).length,
    checkoutsFailed: checkouts.filter(failed).length,
    longestCheckoutMs: outcome.longestCheckoutMs,
    byStatus,
    unknownOrders: [...inDatabase].filter((id) => !accepted.has(id)),
    missingOrders: [...accepted].filter((id) => !inDatabase.has(id)),
    stuck: flowOrders
      .filter((o) => o.status !== 'confirmed' && o.status !== 'cancelled')
      .map((o) => `${o.id} ${o.status}`),
    charges: flowOrders.reduce((sum, o) => sum + ledger(o.id).charges, 0),
    refunds: flowOrders.reduce((sum, o) => sum + ledger(o.id).refunds, 0),
    cancelledAfterCharge: flowOrders.filter((o) => o.status === 'cancelled' && o.wasConfirmed).length,
    overcharged,
    refundsWrong,
    paymentsWithoutOrder: records.paymentsWithoutOrder,
    stock: stockCounts(records, initial),
    emails: [...got].filter(([key]) => inDatabase.has(orderOf(key))).reduce((sum, [, n]) => sum + n, 0),
    emailsWrong,
    welcomes: shopperEmails.reduce(
      (sum, email) => sum + smtp.to(email).filter((m) => /welcome/i.test(m.subject ?? '')).length,
      0,
    ),
    requests: sent.length,
    failures,
  };
}

/** The audit as a table for the test log, with the disruptions and when they happened. */
export function formatAudit(
  audit: Audit,
  windows: Disruption[],
  gatewayExits: (number | null)[],
  settledAfterMs: number | undefined,
): string {
  const count = (map: Map<string, number>) => [...map].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const rows: [string, string | number][] = [
    ['checkouts accepted', audit.accepted],
    ['checkouts refused', count(audit.refused)],
    ['checkouts asked again: in progress (409) / failed', `${audit.askedAgain} / ${audit.checkoutsFailed}`],
    ['longest checkout to its lasting answer', `${(audit.longestCheckoutMs / 1000).toFixed(1)} s`],
    ['orders by status', count(audit.byStatus)],
    ['orders stuck', audit.stuck.length],
    ['orders no customer was told about', audit.unknownOrders.length],
    ['successful charges / orders charged twice', `${audit.charges} / ${audit.overcharged.length}`],
    ['refunds / cancellations after a charge', `${audit.refunds} / ${audit.cancelledAfterCharge}`],
    ['payments without an order', audit.paymentsWithoutOrder],
    ...audit.stock.map((s): [string, string] => [
      `stock ${s.productId}`,
      `initial ${s.initial} = available ${s.available} + reserved ${s.reserved} + sold ${s.sold}, drift ${s.drift}, orphaned ${s.orphaned}`,
    ]),
    ['order emails / orders with not one per event', `${audit.emails} / ${audit.emailsWrong.length}`],
    ['requests through nginx', audit.requests],
    [
      'failed: in SIGKILL windows / SIGTERM windows / elsewhere',
      `${audit.failures.sigkill.length} / ${audit.failures.sigterm.length} / ${audit.failures.elsewhere.length}`,
    ],
    ['gateways stopped with SIGTERM exited with', gatewayExits.join(', ')],
    [
      'saga settled after the flow',
      settledAfterMs === undefined ? 'not within 90 s' : `${(settledAfterMs / 1000).toFixed(1)} s`,
    ],
  ];
  const first = windows[0]?.from ?? 0;
  const at = (t: number) => `${((t - first) / 1000).toFixed(1)} s`;
  for (const w of windows)
    rows.push([
      `${w.signal} ${w.what}`,
      `at ${at(w.from)}, exited ${at(w.exited)}, ready ${at(w.back)}, window to ${at(w.to)}`,
    ]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const failures = [...audit.failures.sigterm, ...audit.failures.elsewhere].map(
    (s) =>
      `  ${s.method} ${s.path} → ${s.status || 'no answer'}${s.code ? ` ${s.code}` : ''} at ${((s.startedAt - first) / 1000).toFixed(1)} s`,
  );
  return [
    'topology audit',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    ...(failures.length ? ['failed requests outside SIGKILL windows:', ...new Set(failures)] : []),
  ].join('\n');
}

/** What nginx and the processes said went wrong, for a run with failures nobody expected. */
export function diagnostics(topology: Topology): string {
  const errors = topology.instances.map((i) => {
    const lines = topology
      .output(i.role, i.index)
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line) || (line.trim() && !line.startsWith('{')));
    return `${i.role} ${i.index}:\n${lines.slice(-20).join('\n')}`;
  });
  return [`nginx error log:\n${topology.nginxErrors()}`, ...errors].join('\n');
}
