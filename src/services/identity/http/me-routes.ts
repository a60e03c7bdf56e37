import type { HttpApp } from '../../../platform/http/build-http-app.js';
import type { AuthGuards } from '../../../platform/auth/auth-guards.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { User } from '../../../contracts/api/identity-api.js';
import type { IdentityContext } from '../domain/identity-context.js';
import { getProfile } from '../domain/get-profile.js';

export function registerMeRoutes(app: HttpApp, ctx: IdentityContext, auth: AuthGuards): void {
  app.get(
    '/me',
    {
      preHandler: auth.requireUser,
      schema: {
        tags: ['Identity'],
        summary: 'The signed-in account',
        security: [{ bearerAuth: [] }],
        response: { 200: { ...User, description: 'The account the access token belongs to.' }, ...problems(401) },
      },
    },
    async (request, reply) => {
      const user = await getProfile(ctx, request.principal!.userId);
      return reply.header('Cache-Control', 'no-store').send(user);
    },
  );
}
