/**
 * The one GraphQL client: urql with graphcache (normalised: a slot changed by the
 * subscription re-renders every view of it), HTTP through an auth exchange that refreshes
 * the access token before it runs out, and subscriptions over graphql-ws that sign in with
 * a fresh token on every (re)connect.
 */
import { Client, fetchExchange, subscriptionExchange } from 'urql';
import { authExchange } from '@urql/exchange-auth';
import { cacheExchange, type Cache } from '@urql/exchange-graphcache';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import * as session from './session';

const reconnectListeners = new Set<() => void>();

/** Called after the websocket came back from a drop: views re-read what they show. */
export function onReconnected(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

function websocketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/graphql`;
}

export function createWebsocket(): WsClient {
  let connectedBefore = false;
  return createWsClient({
    url: websocketUrl(),
    lazy: true,
    lazyCloseTimeout: 3_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    // The server closes with 4403 when the token runs out: reconnect with a fresh one.
    shouldRetry: () => true,
    retryWait: async (retries) => {
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 300 * 2 ** retries)));
    },
    connectionParams: async () => {
      const token = await session.freshAccessToken();
      return token ? { Authorization: `Bearer ${token}` } : {};
    },
    on: {
      connected: () => {
        if (connectedBefore) for (const listener of reconnectListeners) listener();
        connectedBefore = true;
      },
    },
  });
}

function invalidateField(cache: Cache, fieldName: string): void {
  for (const field of cache.inspectFields('Query')) {
    if (field.fieldName === fieldName) cache.invalidate('Query', field.fieldKey);
  }
}

const embedded = () => null;

export function createApiClient(ws: WsClient): Client {
  return new Client({
    url: '/graphql',
    requestPolicy: 'cache-and-network',
    exchanges: [
      cacheExchange({
        keys: {
          DaySchedule: (d) => (d.date as string | undefined) ?? null,
          Slot: (s) => {
            const receptionist = s.receptionist as { id?: string } | undefined;
            return receptionist?.id && s.startsAt ? `${receptionist.id}@${s.startsAt as string}` : null;
          },
          Estimate: embedded,
          PriceLine: embedded,
          RepairOption: embedded,
          RepairPart: embedded,
          AuthPayload: embedded,
          SlotChange: embedded,
          PlanDay: embedded,
          Break: embedded,
          WorkingTimeChange: embedded,
          ClosedDay: (d) => (d.date as string | undefined) ?? null,
        },
        updates: {
          Mutation: {
            addCar: (_r, _a, cache) => invalidateField(cache, 'me'),
            removeCar: (_r, args, cache) => {
              cache.invalidate({ __typename: 'Car', id: args.id as string });
            },
            bookSlot: (_r, _a, cache) => invalidateField(cache, 'myBookings'),
            cancelBooking: (_r, _a, cache) => invalidateField(cache, 'myBookings'),
            rescheduleBooking: (_r, _a, cache) => invalidateField(cache, 'myBookings'),
          },
        },
      }),
      authExchange((utils) => Promise.resolve({
        addAuthToOperation(operation) {
          const token = session.currentAccessToken();
          return token ? utils.appendHeaders(operation, { Authorization: `Bearer ${token}` }) : operation;
        },
        willAuthError: () => session.needsRefresh(),
        didAuthError: (error) =>
          session.currentAccessToken() !== null &&
          error.graphQLErrors.some((e) => e.extensions.code === 'UNAUTHENTICATED'),
        refreshAuth: async () => {
          await session.refresh();
        },
      })),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
