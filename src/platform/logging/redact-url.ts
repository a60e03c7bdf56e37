/**
 * Query parameters that carry credentials by name: OAuth's tokens and codes, passwords, keys,
 * signatures. Matched on the decoded name, whatever its case.
 */
const secretName = /token|passw|pwd|secret|signature|jwt|session|auth|^code$|^sig$|^key$|api[-_]?key/i;

const decodedName = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
};

const redactParameter = (pair: string): string => {
  const eq = pair.indexOf('=');
  const name = eq === -1 ? pair : pair.slice(0, eq);
  return eq !== -1 && secretName.test(decodedName(name)) ? `${name}=[REDACTED]` : pair;
};

/**
 * A request target fit for a log line: the values of credential-like query parameters, and the
 * user information of an absolute-form target, are replaced; everything else is kept as sent.
 */
export function redactUrl(url: string): string {
  const withoutUserInfo = url.replace(/^([a-z][\w+.-]*:\/\/)[^/?#@]*@/i, '$1[REDACTED]@');
  const q = withoutUserInfo.indexOf('?');
  if (q === -1) return withoutUserInfo;
  const query = withoutUserInfo
    .slice(q + 1)
    .split('&')
    .map(redactParameter)
    .join('&');
  return `${withoutUserInfo.slice(0, q)}?${query}`;
}
