import { createServer, Socket, type AddressInfo } from 'node:net';
import amqp from 'amqplib';

/** Deletes what a test's RabbitMqEventBus declared under `prefix`. */
export async function deleteRabbitTopology(url: string, prefix: string, consumers: readonly string[]): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    for (const consumer of consumers) await channel.deleteQueue(`${prefix}.${consumer}`);
    await channel.deleteExchange(`${prefix}.events`);
  } finally {
    await connection.close();
  }
}

/** A TCP relay to the broker whose connections a test can cut, to play a lost network. */
export async function startTcpProxy(target: URL) {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port || 5672), target.hostname);
    client.pipe(upstream);
    upstream.pipe(client);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: url.toString(),
    cut,
    stop: async () => {
      cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
