import Fastify from 'fastify';

/** The yardstick: a bare Fastify server answering a small JSON object. */
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world', ok: true }));
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${address}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
