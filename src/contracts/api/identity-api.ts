import { Type, type Static } from 'typebox';

/** Request and response shapes of the identity API, shared by its routes and its clients. */

export const passwordLength = { min: 10, max: 256 } as const;
export const nameLength = { min: 1, max: 100 } as const;

const Email = Type.String({ format: 'email', maxLength: 254, example: 'ada@example.com' });

export const RegisterRequest = Type.Object(
  {
    email: Email,
    // Not only whitespace: ten spaces meet the length and guard nothing.
    password: Type.String({
      minLength: passwordLength.min,
      maxLength: passwordLength.max,
      pattern: '\\S',
      description: `At least ${passwordLength.min} characters, not all of them whitespace.`,
    }),
    // At least one non-space character: names are stored trimmed and must not end up empty.
    name: Type.String({
      minLength: nameLength.min,
      maxLength: nameLength.max,
      pattern: '\\S',
      example: 'Ada Lovelace',
    }),
  },
  { additionalProperties: false },
);
export type RegisterRequest = Static<typeof RegisterRequest>;

/** Login does not re-check the registration rules: a wrong answer is always 401, never a hint. */
export const LoginRequest = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254, example: 'ada@example.com' }),
    password: Type.String({ minLength: 1, maxLength: passwordLength.max }),
  },
  { additionalProperties: false },
);
export type LoginRequest = Static<typeof LoginRequest>;

export const RefreshRequest = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export type RefreshRequest = Static<typeof RefreshRequest>;

export const User = Type.Object(
  {
    id: Type.String({ example: 'usr_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b' }),
    email: Type.String({ format: 'email' }),
    name: Type.String(),
    role: Type.Enum(['customer', 'admin']),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false, title: 'User' },
);
export type User = Static<typeof User>;

export const TokenPair = Type.Object(
  {
    accessToken: Type.String({ description: 'Send as `Authorization: Bearer <accessToken>`.' }),
    refreshToken: Type.String({
      description:
        'Exchange it once at /auth/refresh for a new pair (a retry within a few seconds gets that same pair).',
    }),
    expiresIn: Type.Integer({ description: 'Seconds until the access token expires.' }),
  },
  { additionalProperties: false, title: 'TokenPair' },
);
export type TokenPair = Static<typeof TokenPair>;

export const SignedIn = Type.Object(
  {
    user: User,
    accessToken: TokenPair.properties.accessToken,
    refreshToken: TokenPair.properties.refreshToken,
    expiresIn: TokenPair.properties.expiresIn,
  },
  { additionalProperties: false, title: 'SignedIn' },
);
export type SignedIn = Static<typeof SignedIn>;
