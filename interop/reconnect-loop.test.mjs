// One user's real npm socket.io-client reconnecting in a loop (issue 12's fault list): each round a new
// connection starts a stream and drops after its first token, in turn by a polite disconnect over
// WebSocket, by a hard TCP reset (no close frame, no FIN), and by a polite disconnect over long-polling.
// Afterwards /websocket/health and the Engine.IO session count (llmgate_engineio_sessions) are back to where
// they started and the per-user limit admits exactly PER_USER connections. Started by ReconnectLoopTest
// (JUnit), which then asserts at its fake upstream that every one of the ROUNDS streams was cancelled.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { outcome } from './socket-outcome.mjs';

const URL = process.env.LLMGATE_URL;
const TOKEN = process.env.TOKEN;
const ROUNDS = Number(process.env.ROUNDS);
const PER_USER = Number(process.env.PER_USER);
const WAIT_MS = 20_000;
const opened = [];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function connect(transports) {
  const socket = io(URL, { auth: { token: TOKEN }, transports, reconnection: false, forceNew: true });
  opened.push(socket);
  return socket;
}

/** Connects, retrying while the server has not yet seen the previous round's connection go (bounded). */
async function connected(transports) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const socket = connect(transports);
    const result = await outcome(socket);
    if (result.connected) return socket;
    socket.close(); // a refused client's Engine.IO connection stays open until it closes it
    assert.ok(Date.now() < deadline, `no place for a connection within ${WAIT_MS} ms: ${result.error.message}`);
    await sleep(20);
  }
}

async function state() {
  const health = await (await fetch(`${URL}/websocket/health`)).json();
  const metrics = await (await fetch(`${URL}/metrics`)).text();
  const sessions = metrics.match(/^llmgate_engineio_sessions (\S+)$/m);
  assert.ok(sessions, 'llmgate_engineio_sessions in /metrics');
  return { clients: health.connectedClients, streams: health.activeLLMStreams, sessions: Number(sessions[1]) };
}

/** Waits until the server counts what it counted at {@code baseline}, with no stream running. */
async function backTo(baseline) {
  const deadline = Date.now() + WAIT_MS;
  let now = await state();
  while (now.clients !== baseline.clients || now.streams !== 0 || now.sessions !== baseline.sessions) {
    assert.ok(Date.now() < deadline, `expected ${JSON.stringify({ ...baseline, streams: 0 })}, got ${JSON.stringify(now)}`);
    await sleep(20);
    now = await state();
  }
}

const ROUND_KINDS = [
  { transports: ['websocket'], drop: (socket) => socket.disconnect() },
  // engine.io-client's WebSocket transport holds a `ws` WebSocket, whose `_socket` is the TCP socket.
  { transports: ['websocket'], drop: (socket) => socket.io.engine.transport.ws._socket.resetAndDestroy() },
  { transports: ['polling'], drop: (socket) => socket.disconnect() },
];

/** One round: connects, starts a stream, and drops the connection as {@code kind} does after the first token. */
async function round(index, kind) {
  const socket = await connected(kind.transports);
  const firstToken = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`round ${index}: no token within ${WAIT_MS} ms`)), WAIT_MS);
    socket.once('llm:stream:token', () => resolve(clearTimeout(timer)));
    socket.once('llm:stream:error', (error) => reject(new Error(`round ${index}: ${JSON.stringify(error)}`)));
  });
  socket.emit('llm:chat:stream', { sessionId: `s-io-${index}`, provider: 'scripted', resumeGraceMs: 0,
    messages: [{ role: 'user', content: 'long' }] });
  await firstToken;
  kind.drop(socket);
}

after(() => opened.forEach((socket) => socket.close()));

describe(`one user's socket.io-client reconnecting ${ROUNDS} times`, () => {
  it('leaves no connection, session or stream behind, and the per-user limit still admits exactly its number', async () => {
    const baseline = await state();
    for (let index = 0; index < ROUNDS; index++) {
      await round(index, ROUND_KINDS[index % ROUND_KINDS.length]);
    }
    await backTo(baseline);

    const sockets = [];
    for (let i = 0; i < PER_USER; i++) sockets.push(await connected(i % 2 ? ['polling'] : ['websocket']));
    const over = connect(['websocket']);
    const refused = await outcome(over);
    assert.ok(!refused.connected, 'a connection over the per-user limit was admitted');
    assert.match(refused.error.message, new RegExp(`^too many connections for this user: ${PER_USER} open`));
    [...sockets, over].forEach((socket) => socket.disconnect());
    await backTo(baseline);
  });
});
