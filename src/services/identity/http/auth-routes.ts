import { Type } from 'typebox';
import type { HttpApp } from '../../../platform/http/build-http-app.js';
import type { AuthGuards } from '../../../platform/auth/auth-guards.js';
import { problems } from '../../../platform/http/problem-schema.js';
import {
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  SignedIn,
  TokenPair,
} from '../../../contracts/api/identity-api.js';
import type { IdentityContext } from '../domain/identity-context.js';
import { registerUser } from '../domain/register-user.js';
import { LoginThrottled, signIn } from '../domain/sign-in.js';
import { refreshSession } from '../domain/refresh-session.js';
import { signOut } from '../domain/sign-out.js';

const tags = ['Identity'];
// Token responses are credentials: no cache, shared or private, may keep them (RFC 6749 5.1).
const noStore = 'no-store';
const described = <T extends object>(schema: T, description: string) => ({ ...schema, description });
// Token answers are never kept for Idempotency-Key replays: a stored pair would be a credential
// at rest, handed out again without the checks of a real sign-in or refresh.
const tokenRoute = { idempotency: 'never' } as const;
const idempotencyIgnored =
  ' An `Idempotency-Key` header is ignored: every request runs, and its tokens are never stored for replay.';

/** Where a session begins: a new account, or an email and password. */
export function registerSignInRoutes(app: HttpApp, ctx: IdentityContext): void {
  app.post(
    '/auth/register',
    {
      config: tokenRoute,
      schema: {
        tags,
        summary: 'Create a customer account and sign in',
        description: `Emails are unique whatever their case. Passwords have at least 10 characters, not all of them whitespace.${idempotencyIgnored}`,
        body: RegisterRequest,
        response: { 201: described(SignedIn, 'Account created; signed in.'), ...problems(400, 409) },
      },
    },
    async (request, reply) => {
      const signedIn = await registerUser(ctx, request.body);
      return reply.status(201).header('Cache-Control', noStore).send(signedIn);
    },
  );

  app.post(
    '/auth/login',
    {
      config: tokenRoute,
      schema: {
        tags,
        summary: 'Sign in with email and password',
        description:
          'An unknown email and a wrong password get the same 401 `invalid_credentials`. After too many failed logins ' +
          'for one email (10 in 15 minutes by default, from any client) login answers 429 `rate_limited` with ' +
          '`Retry-After`, without checking the password, until the window that began with the first failure ends. ' +
          `A successful login clears the count.${idempotencyIgnored}`,
        body: LoginRequest,
        response: { 200: described(SignedIn, 'Signed in.'), ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const signedIn = await signIn(ctx, request.body).catch((err: unknown) => {
        if (err instanceof LoginThrottled) reply.header('Retry-After', err.retryAfterSeconds);
        throw err;
      });
      return reply.header('Cache-Control', noStore).send(signedIn);
    },
  );
}

/** What a session's tokens can do: be exchanged for new ones, or end the session. */
export function registerSessionRoutes(app: HttpApp, ctx: IdentityContext, auth: AuthGuards): void {
  app.post(
    '/auth/refresh',
    {
      config: tokenRoute,
      schema: {
        tags,
        summary: 'Exchange a refresh token for a new token pair',
        description:
          'Refresh tokens rotate: each is exchanged once. For a few seconds after its exchange (10 by default) the ' +
          'same token answers the same new pair again, so a client that retries or two tabs refreshing at once ' +
          'keep the session. Presenting it after that ends the whole session: its access and refresh tokens stop ' +
          `working (401).${idempotencyIgnored}`,
        body: RefreshRequest,
        response: {
          200: described(
            TokenPair,
            'A new token pair (the same one again within the grace); the presented refresh token is spent.',
          ),
          ...problems(400, 401),
        },
      },
    },
    async (request, reply) => {
      const pair = await refreshSession(ctx, request.body.refreshToken);
      return reply.header('Cache-Control', noStore).send(pair);
    },
  );

  app.post(
    '/auth/logout',
    {
      preHandler: auth.requireUser,
      schema: {
        tags,
        summary: 'End the current session',
        description: 'The access and refresh tokens of this session are rejected from now on.',
        security: [{ bearerAuth: [] }],
        response: { 204: Type.Null({ description: 'Session ended.' }), ...problems(401) },
      },
    },
    async (request, reply) => {
      await signOut(ctx, request.principal!.sessionId);
      return reply.status(204).header('Cache-Control', noStore).send(null);
    },
  );
}
