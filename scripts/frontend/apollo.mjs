// The real @apollo/client 4 against a running, seeded repairbook serve:
//   node scripts/frontend/apollo.mjs http://127.0.0.1:8000/graphql
// 1. Automatic persisted queries: the first board query sends only its hash, is told
//    PersistedQueryNotFound, and retries with the document; a second client then gets the
//    board by hash alone (one request).
// 2. A normalised cache with no type policies: a board query, then a slotChanged event over
//    graphql-ws, and the cached board shows the slot booked by itself (Slot.id).
// Prints what it saw; exits 1 when anything differs.
import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.argv[2] ?? 'http://127.0.0.1:8000/graphql';
const sha256 = (text) => createHash('sha256').update(text).digest('hex');
let failures = 0;
function check(what, ok, seen) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok ? '' : ` — saw ${JSON.stringify(seen)}`}`);
  if (!ok) failures += 1;
}

const requests = [];
const countingFetch = async (input, init) => {
  const body = init?.body ? JSON.parse(init.body) : null;
  requests.push({ method: init?.method ?? 'GET', hasQuery: Boolean(body?.query ?? String(input).includes('query=')) });
  return fetch(input, init);
};

function makeClient(token) {
  const http = new HttpLink({
    uri: url,
    fetch: countingFetch,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  const ws = new GraphQLWsLink(
    createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: token ? { Authorization: `Bearer ${token}` } : undefined,
    }),
  );
  const apq = new PersistedQueryLink({ sha256 });
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    ws,
    apq.concat(http),
  );
  return { client: new ApolloClient({ link, cache: new InMemoryCache() }), ws };
}

const SHOP = gql`query Shop { shop { id today } }`;
const BOARD = gql`
  query Board($day: Date!) {
    availability(date: $day) { id date slots { id startsAt state bookable receptionist { id } } }
  }
`;
const SLOT_CHANGED = gql`
  subscription Live($day: Date!) { slotChanged(date: $day) { change at slot { id state bookable } } }
`;
const REGISTER = gql`
  mutation Register($input: RegisterInput!) { register(input: $input) { accessToken } }
`;
const MODELS = gql`query Models { carModels { id } }`;
const ADD_CAR = gql`mutation AddCar($input: CarInput!) { addCar(input: $input) { id } }`;
const OPTIONS = gql`query Options($car: ID!) { repairOptions(carId: $car) { id repairType { id } } }`;
const BOOK = gql`mutation Book($input: BookSlotInput!) { bookSlot(input: $input) { id status } }`;

const anonymous = makeClient();
const shop = (await anonymous.client.query({ query: SHOP })).data.shop;
const tomorrow = new Date(`${shop.today}T12:00:00Z`);
tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
const day = tomorrow.toISOString().slice(0, 10);

requests.length = 0;
const board = (await anonymous.client.query({ query: BOARD, variables: { day } })).data.availability;
check(
  'APQ: the first board query sent its hash alone, then retried with the document',
  requests.length === 2 && !requests[0].hasQuery && requests[1].hasQuery,
  requests,
);
requests.length = 0;
const fresh = makeClient();
await fresh.client.query({ query: BOARD, variables: { day } });
check('APQ: a new client gets the board by hash alone', requests.length === 1 && !requests[0].hasQuery, requests);
await fresh.ws.client.dispose();

const free = board.slots.find((slot) => slot.state === 'FREE');
check('the board has a free slot tomorrow', Boolean(free), board.slots.length);

// The subscriber: the anonymous client whose cache holds the board.
const events = [];
const subscription = anonymous.client
  .subscribe({ query: SLOT_CHANGED, variables: { day } })
  .subscribe({ next: (result) => events.push(result.data.slotChanged) });
await new Promise((resolve) => setTimeout(resolve, 500)); // the subscription is on the server

const n = Date.now() % 1_000_000_000;
const booker = makeClient();
const token = (
  await booker.client.mutate({
    mutation: REGISTER,
    variables: {
      input: {
        nick: `apollo${n}`, password: 'apollo password 1', email: `apollo${n}@example.com`,
        firstName: 'Apollo', lastName: 'Client', marketingOptIn: false,
      },
    },
  })
).data.register.accessToken;
await booker.ws.client.dispose();
const signedIn = makeClient(token);
const model = (await signedIn.client.query({ query: MODELS })).data.carModels[0].id;
const vin = `XW8ZZZ61Z${String(n).padStart(8, '0').slice(-8)}`.replace(/[IOQ]/g, '1');
const car = (
  await signedIn.client.mutate({
    mutation: ADD_CAR,
    variables: {
      input: { vin, plate: 'a123bc77', stsNumber: '99 АА 123456', soldOn: '2021-05-14', mileageKm: 42000, carModelId: model },
    },
  })
).data.addCar.id;
const repair = (await signedIn.client.query({ query: OPTIONS, variables: { car } })).data.repairOptions[0].repairType.id;
const booked = (
  await signedIn.client.mutate({
    mutation: BOOK,
    variables: { input: { receptionistId: free.receptionist.id, startsAt: free.startsAt, carId: car, repairTypeId: repair } },
  })
).data.bookSlot;
check('booked the free slot', booked.status === 'ACTIVE', booked);
await signedIn.ws.client.dispose();

for (let waited = 0; events.length === 0 && waited < 5000; waited += 50) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
check('slotChanged arrived', events.length === 1 && events[0].change === 'BOOKED', events);
check('the event names the same Slot id as the board', events[0]?.slot.id === free.id, events[0]);
const cached = anonymous.client.readQuery({ query: BOARD, variables: { day } }).availability;
const shown = cached.slots.find((slot) => slot.id === free.id);
check(
  'the cached board shows the slot BOOKED with no type policy and no refetch',
  shown?.state === 'BOOKED' && shown?.bookable === false,
  shown,
);
subscription.unsubscribe();
await anonymous.ws.client.dispose();
console.log(failures ? `${failures} failed` : 'all ok');
process.exit(failures ? 1 : 0);
