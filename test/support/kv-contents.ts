import { Redis } from 'ioredis';
import type { TestApp } from './test-app.js';

/**
 * Everything the app's key-value store holds, as key → value text (hashes, lists and sets as
 * JSON), to check what is kept at rest. The memory store is read through its private map.
 */
export async function kvContents(app: TestApp): Promise<Map<string, string>> {
  const kv = app.infrastructure.kv;
  if (kv.kind === 'memory') {
    const entries = (kv as unknown as { entries: Map<string, { value: string }> }).entries;
    return new Map([...entries].map(([key, entry]) => [key, entry.value]));
  }
  const redis = new Redis(app.config.redisUrl!);
  try {
    const contents = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${app.config.redisKeyPrefix}*`, 'COUNT', 500);
      for (const key of keys) contents.set(key, await valueOf(redis, key));
      cursor = next;
    } while (cursor !== '0');
    return contents;
  } finally {
    redis.disconnect();
  }
}

async function valueOf(redis: Redis, key: string): Promise<string> {
  switch (await redis.type(key)) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrange(key, 0, -1));
    default:
      return '';
  }
}
