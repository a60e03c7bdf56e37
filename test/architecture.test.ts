import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const lint = async (filePath: string, code: string) => {
  const [result] = await new ESLint().lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'emporium/service-boundaries');
};

describe('service boundaries (lint rule)', () => {
  it('rejects a service importing another service', async () => {
    const messages = await lint(
      'src/services/identity/domain/x.ts',
      "import { y } from '../../catalog/domain/y.js';\nexport const z = y;\n",
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]?.message).toMatch(/must not import src\/services\/catalog/);
  });

  it('rejects platform code importing a service', async () => {
    const messages = await lint('src/platform/http/x.ts', "export { y } from '../../services/cart/y.js';\n");
    expect(messages).toHaveLength(1);
  });

  it('allows a service to import its own code, platform and contracts', async () => {
    const code = [
      "import { a } from './a.js';",
      "import { b } from '../../../platform/http/errors.js';",
      "import { c } from '../../../contracts/events/envelope.js';",
      'export const all = [a, b, c];',
    ].join('\n');
    expect(await lint('src/services/catalog/http/x.ts', code)).toHaveLength(0);
  });
});
