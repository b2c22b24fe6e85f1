// A node dies under a Socket.IO client (started by NodeLostTest): node A, a real llmgate process, is sent
// SIGKILL mid-stream while the npm socket.io-client reaches it through a TCP balancer; the balancer then
// sends the client's reconnect to node B, where llm:stream:resume gets the tokens A wrote to Redis and then
// the typed final error node_lost, retryable: never silence, never a hang.
import { it, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { balancer } from './balancer.mjs';

const PORT_A = Number(process.env.PORT_A);
const PID_A = Number(process.env.PID_A);
const PORT_B = Number(process.env.PORT_B);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const opened = [];
after(() => opened.forEach((s) => s.close()));

it('a client that resumes on another node after its node was killed gets what that node kept, '
  + 'each index once, then llm:stream:error node_lost (retryable)', async () => {
  const lb = await balancer(PORT_A);
  opened.push(lb);
  const socket = io(lb.url, { auth: { token: process.env.TOKEN }, transports: ['websocket'],
    reconnectionDelay: 200, randomizationFactor: 0, forceNew: true });
  opened.push(socket);
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject); });
  const id = `lost-${Date.now()}`;
  const tokens = [];
  const ended = new Promise((resolve) => socket.onAny((name, payload) => {
    if (payload?.sessionId !== id) return;
    if (name === 'llm:stream:token') tokens.push(payload.index);
    if (['llm:stream:done', 'llm:stream:error', 'llm:stream:cancelled'].includes(name)) resolve({ name, payload });
  }));
  await socket.emitWithAck('llm:chat:stream', { sessionId: id, provider: 'local', maxTokens: 500,
    messages: [{ role: 'user', content: 'In the beginning' }] });
  while (tokens.length < 3) await sleep(5);
  const back = new Promise((r) => socket.once('connect', r));

  process.kill(PID_A, 'SIGKILL');
  lb.switchTo(PORT_B);
  await back;
  assert.equal(socket.recovered, false, 'node B has no state of the socket node A served');
  const lastIndex = tokens.at(-1);
  const ack = await socket.emitWithAck('llm:stream:resume', { sessionId: id, lastIndex });
  const { name, payload } = await ended;

  assert.equal(name, 'llm:stream:error', JSON.stringify({ ack, payload }));
  assert.equal(payload.code, 'node_lost', JSON.stringify(payload));
  assert.equal(payload.retryable, true);
  assert.deepEqual(tokens, [...Array(tokens.length).keys()], 'every index once, in order, across both nodes');
});
