export type Parser<T> = (raw: string) => T;

export interface Setting<T> {
  env: string;
  doc: string;
  default: T | undefined;
  parse: Parser<T>;
  secret?: boolean;
}

const fail = (message: string): never => {
  throw new Error(message);
};

export const str = (): Parser<string> => (raw) => raw;

export const int =
  (min: number, max: number = Number.MAX_SAFE_INTEGER): Parser<number> =>
  (raw) => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? n : fail(`must be a whole number from ${min} to ${max}`);
  };

export const bool = (): Parser<boolean> => (raw) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  return fail('must be true or false');
};

export const url =
  (...protocols: string[]): Parser<string> =>
  (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return fail('must be a URL');
    }
    return protocols.includes(parsed.protocol.replace(/:$/, ''))
      ? raw
      : fail(`must be a URL with scheme ${protocols.join(' or ')}`);
  };

/**
 * The addresses of a service's instances, comma-separated, each a scheme, host and port with no
 * path; requests are spread over them (platform/http/service-pool.ts).
 */
export const addresses =
  (...protocols: string[]): Parser<string[]> =>
  (raw) =>
    raw.split(',').map((entry) => {
      const address = entry.trim();
      const parsed = URL.canParse(address) ? new URL(address) : undefined;
      return parsed && protocols.includes(parsed.protocol.replace(/:$/, '')) && parsed.href === `${parsed.origin}/`
        ? parsed.origin
        : fail(
            `must list addresses such as http://10.0.0.5:3001, separated by commas, with no path: "${address}" is not one`,
          );
    });

export const list = (): Parser<string[]> => (raw) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) =>
    (values as string[]).includes(raw) ? (raw as T) : fail(`must be one of ${values.join(', ')}`);

export const currency = (): Parser<string> => (raw) =>
  /^[A-Z]{3}$/.test(raw) ? raw : fail('must be an ISO 4217 code such as USD');

export const setting = <T>(s: Setting<T>): Setting<T> => s;
