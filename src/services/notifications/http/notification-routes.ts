import { Type } from 'typebox';
import type { AuthGuards } from '../../../platform/auth/auth-guards.js';
import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { listNotifications } from '../domain/list-notifications.js';
import type { NotificationsContext } from '../domain/notifications-context.js';

const Notification = Type.Object(
  {
    id: Type.String({ example: 'ntf_019a0c5e7b2d7c3e8f1a2b3c4d5e6f70' }),
    type: Type.Union(
      [
        Type.Literal('welcome'),
        Type.Literal('order_confirmed'),
        Type.Literal('order_cancelled'),
        Type.Literal('order_shipped'),
      ],
      { description: 'What the email is about.' },
    ),
    channel: Type.Literal('email'),
    to: Type.Union([Type.String(), Type.Null()], {
      description: 'Address it was (or will be) sent to; null while not yet known.',
    }),
    subject: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')], {
      description: 'pending until delivered (failed sends are retried); failed after many attempts.',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false, title: 'Notification' },
);

const NotificationPage = Type.Object(
  {
    items: Type.Array(Notification),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  },
  { additionalProperties: false, title: 'NotificationPage', description: 'Your notifications, newest first.' },
);

const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page.' })),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'nextCursor of the previous page.' }),
    ),
  },
  { additionalProperties: false },
);

export function registerNotificationRoutes(app: HttpApp, ctx: NotificationsContext, auth: AuthGuards): void {
  app.get(
    '/notifications',
    {
      preHandler: auth.requireUser,
      schema: {
        tags: ['Notifications'],
        summary: 'List your notifications',
        description: 'The emails sent (or about to be sent) to the signed-in user, newest first.',
        security: [{ bearerAuth: [] }],
        querystring: ListQuery,
        response: { 200: NotificationPage, ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const page = await listNotifications(ctx, request.principal!.userId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      });
      return reply.header('Cache-Control', 'no-store').send(page);
    },
  );
}
