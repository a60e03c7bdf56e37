import path from 'node:path';
import tseslint from 'typescript-eslint';

/**
 * Services share only `platform` and `contracts`: an import that resolves into another service's
 * folder, or that `platform`/`contracts` make into any service, is an error.
 */
const boundaries = {
  meta: {
    type: 'problem',
    messages: { cross: '{{from}} must not import {{to}}: services share only platform and contracts.' },
  },
  create(context) {
    const file = path.relative(process.cwd(), context.filename).split(path.sep);
    const owner = file[0] === 'src' && file[1] === 'services' ? file[2] : undefined;
    const shared = file[0] === 'src' && (file[1] === 'platform' || file[1] === 'contracts');
    if (!owner && !shared) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.relative(process.cwd(), path.resolve(path.dirname(context.filename), spec)).split(path.sep);
      if (target[0] !== 'src' || target[1] !== 'services') return;
      if (shared || target[2] !== owner) {
        context.report({
          node,
          messageId: 'cross',
          data: { from: owner ? `service ${owner}` : file[1], to: target.slice(0, 3).join('/') },
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'dist/**', '.test-build/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { emporium: { rules: { 'service-boundaries': boundaries } } },
    rules: {
      'emporium/service-boundaries': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['src/**/*.ts', 'test/support/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  {
    // A suite's describe callback holds every case of the suite, so it is naturally as long as the
    // suite: test files are held to max-lines for the whole file instead.
    files: ['**/*.test.ts', '**/*.contract.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
);
