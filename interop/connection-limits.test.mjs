// Connection limits (configuration.md: limits.connections-per-user, limits.max-connections), driven with
// the real npm socket.io-client. Started by ConnectionLimitTest (JUnit) against a gateway with a limit of
// PER_USER connections per user and TOTAL in all; /ws shares the same count.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { outcome } from './socket-outcome.mjs';

const URL = process.env.LLMGATE_URL;
const PER_USER = Number(process.env.PER_USER);
const TOTAL = Number(process.env.TOTAL);
const opened = [];

function connect(token, transports = ['websocket'], extra = {}) {
  const socket = io(URL, { auth: { token }, transports, reconnection: false, forceNew: true, ...extra });
  opened.push(socket);
  return socket;
}

async function connected(token, transports, extra) {
  const result = await outcome(connect(token, transports, extra));
  assert.ok(result.connected, `expected to connect: ${result.error?.message}`);
  return result.socket;
}

async function refused(token, transports) {
  const result = await outcome(connect(token, transports));
  assert.ok(!result.connected, 'expected a connect_error');
  return result.error;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connects until admitted: the server frees a place once it has read the disconnect (bounded). */
async function admittedAfterRetries(token) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const result = await outcome(connect(token));
    if (result.connected) return result.socket;
    await sleep(50);
  }
  assert.fail('a freed place was never given out');
}

/** Closes every socket and waits until the server counts none. */
async function closeAll() {
  opened.forEach((socket) => socket.close());
  for (let i = 0; i < 200; i++) {
    if ((await (await fetch(`${URL}/websocket/health`)).json()).connectedClients === 0) return;
    await sleep(25);
  }
  assert.fail('connections still counted after every socket closed');
}

after(() => opened.forEach((socket) => socket.close()));

describe(`connection limits (${PER_USER} per user, ${TOTAL} in all)`, () => {
  it('refuses a user over its limit and everyone over the total with connect_error, then admits again once a socket left', async () => {
    const first = await connected(process.env.TOKEN_ALICE);
    for (let i = 1; i < PER_USER; i++) await connected(process.env.TOKEN_ALICE, i % 2 ? ['polling'] : ['websocket']);
    for (const transports of [['websocket'], ['polling']]) {
      const error = await refused(process.env.TOKEN_ALICE, transports);
      assert.match(error.message,
        new RegExp(`^too many connections for this user: ${PER_USER} open \\(limit: ${PER_USER}, setting: limits.connections-per-user\\)$`));
    }
    for (let i = PER_USER; i < TOTAL; i++) await connected(process.env.TOKEN_BOB);
    const error = await refused(process.env.TOKEN_CAROL);
    assert.match(error.message, new RegExp(`^too many connections: ${TOTAL} open \\(limit: ${TOTAL}, setting: limits.max-connections\\)$`));

    first.disconnect();
    await admittedAfterRetries(process.env.TOKEN_CAROL);
  });
});

// Connection state recovery (socketio.max-disconnection-duration) keeps a dropped socket to restore it: the
// kept socket holds no place (its dropped connection freed it), the recovered one holds exactly its own.
describe('connection limits with connection state recovery', () => {
  it('a recovered socket holds one place, a kept socket none, and recovers once a place is free', async () => {
    await closeAll();
    const alice = process.env.TOKEN_ALICE;
    const dropped = await connected(alice, ['websocket'],
      { reconnection: true, reconnectionDelay: 400, randomizationFactor: 0 });
    const sid = dropped.id;
    // Recovery needs an offset: the client must have been sent an event (here the refusal of an empty request).
    const sent = new Promise((resolve) => dropped.once('llm:stream:error', resolve));
    dropped.emit('llm:chat:stream', {});
    await sent;
    for (let i = 1; i < PER_USER; i++) await connected(alice);
    const back = new Promise((resolve) => dropped.once('connect', resolve));
    dropped.io.engine.close();
    await back;
    assert.equal(dropped.recovered, true);
    assert.equal(dropped.id, sid);
    assert.match((await refused(alice)).message, /^too many connections for this user/,
      'the recovered socket holds a place again');

    // Not two places either: once the others leave, exactly PER_USER - 1 newcomers are admitted beside it.
    opened.filter((socket) => socket !== dropped).forEach((socket) => socket.disconnect());
    const others = [await admittedAfterRetries(alice)];
    for (let i = 2; i < PER_USER; i++) others.push(await connected(alice));
    await refused(alice);

    // Dropped with no reconnect, the socket is kept for recovery; its place goes to a newcomer at once.
    dropped.io.reconnection(false);
    const gone = new Promise((resolve) => dropped.once('disconnect', resolve));
    dropped.io.engine.close();
    await gone;
    const newcomer = await admittedAfterRetries(alice);

    // Its client comes back while the user is at the limit: refused like anyone, and still kept, so it
    // recovers as soon as a place is free.
    const refusedRecovery = await outcome(dropped.connect());
    assert.ok(!refusedRecovery.connected);
    assert.match(refusedRecovery.error.message, /^too many connections for this user/);
    newcomer.disconnect();
    let recovered = false;
    for (let attempt = 0; attempt < 100 && !recovered; attempt++) {
      const result = await outcome(dropped.connect());
      if (result.connected) recovered = true;
      else await sleep(50);
    }
    assert.ok(recovered, 'the kept socket recovered once a place was free');
    assert.equal(dropped.recovered, true);
    assert.equal(dropped.id, sid);
    others.forEach((socket) => socket.disconnect());
  });
});
