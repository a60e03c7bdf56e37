import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp } from './support/test-app.js';
import { call, createAdmin, registerUser, type TestUser } from './support/http.js';
import { everyone, matrix, order, outsideTheMatrix, rowKeyOf, type Scene } from './support/authorization-matrix.js';

describe.each(profiles)('who may do what (%s profile)', (profile) => {
  let scene: Scene;
  let cells = 0;

  beforeAll(async () => {
    const app = await createTestApp(profile);
    const [customerA, customerB] = [await registerUser(app, 'matrix-a'), await registerUser(app, 'matrix-b')];
    scene = { app, users: { customerA, customerB, admin: await createAdmin(app) } };
    // Data of each customer that must never show in the other's answers.
    for (const owner of [customerA, customerB]) await order(scene, owner, 'pending_payment');
  });
  afterAll(async () => {
    console.log(`authorization matrix (${profile}): ${cells} cells checked`);
    await scene?.app.close();
  });

  it('has a row for every route the app serves', () => {
    const served = scene.app.routes.map((r) => `${r.method} ${r.url}`);
    const missing = served.filter((route) => !outsideTheMatrix.has(rowKeyOf(route)) && !matrix[rowKeyOf(route)]);
    expect(missing, 'routes without a row in the matrix').toEqual([]);
    // A row for a route not served is only right for one kept off the public port.
    const notServed = Object.keys(matrix).filter((key) => !served.includes(key));
    for (const key of notServed) expect(Object.values(matrix[key]!.cells), key).toEqual([404, 404, 404, 404]);
  });

  it.each(Object.keys(matrix))(
    '%s',
    async (route) => {
      const [method, path] = route.split(' ') as [string, string];
      const { cells: expected, request } = matrix[route]!;
      const methods =
        method === 'GET' && scene.app.routes.some((r) => r.method === 'HEAD' && r.url === path)
          ? ['GET', 'HEAD']
          : [method];
      for (const who of everyone) {
        const sender = who === 'anonymous' ? undefined : scene.users[who];
        const cell = expected[who];
        const targets: [string, number, TestUser][] =
          typeof cell === 'number'
            ? [['', cell, sender ?? scene.users.customerA]]
            : [
                [' on own resource', cell[0], sender!],
                [
                  " on another's resource",
                  cell[1],
                  who === 'customerA' ? scene.users.customerB : scene.users.customerA,
                ],
              ];
        for (const verb of methods) {
          for (const [whose, status, owner] of targets) {
            const sent = await request({ scene, ...(sender ? { sender } : {}), owner });
            const before = owner !== sender ? await sent.ownerView?.() : undefined;
            const token = sent.token ?? sender?.accessToken;
            const res = await call(scene.app, verb, sent.url, {
              ...(token ? { token } : {}),
              ...(sent.body ? { body: sent.body } : {}),
              ...(sent.headers ? { headers: sent.headers } : {}),
            });
            const label = `${verb} ${path} by ${who}${whose}`;
            cells += 1;
            expect(res.status, label).toBe(status);
            if (res.status >= 400)
              expect(String(res.headers['content-type']), label).toMatch(/^application\/problem\+json/);
            if (who === 'customerA' || who === 'customerB') {
              const stranger = who === 'customerA' ? scene.users.customerB : scene.users.customerA;
              expect(res.text.includes(stranger.email), `${label}: the answer shows another customer's data`).toBe(
                false,
              );
            }
            if (owner !== sender && sent.ownerView)
              expect(await sent.ownerView(), `${label}: another user's request changed it`).toEqual(before);
          }
        }
      }
    },
    60_000,
  );
});
