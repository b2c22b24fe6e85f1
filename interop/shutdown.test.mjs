// SIGTERM on a running llmgate process (started by ShutdownTest): it turns unready, refuses new streams
// with shutting_down, and ends streams still running after the drain period with a final event.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';

const URL = process.env.LLMGATE_URL;
const PID = Number(process.env.LLMGATE_PID);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

it('drains on SIGTERM: unready, shutting_down for new streams, a final event for running ones', async () => {
  const socket = io(URL, { auth: { token: process.env.TOKEN }, transports: ['websocket'], reconnection: false });
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject); });
  const events = [];
  const final = new Promise((resolve) => {
    socket.onAny((name, payload) => {
      if (payload?.sessionId !== 'long') return;
      events.push(name);
      if (['llm:stream:done', 'llm:stream:error', 'llm:stream:cancelled'].includes(name)) resolve({ name, payload });
    });
  });
  const chat = (sessionId) => ({ sessionId, provider: 'local', maxTokens: 500,
    messages: [{ role: 'user', content: 'In the beginning' }] });
  await socket.emitWithAck('llm:chat:stream', chat('long'));
  while (!events.includes('llm:stream:token')) await sleep(10);

  assert.equal((await fetch(`${URL}/readyz`)).status, 200);
  process.kill(PID, 'SIGTERM');
  let ready = 200;
  for (let i = 0; i < 100 && ready === 200; i++) { await sleep(10); ready = (await fetch(`${URL}/readyz`)).status; }
  assert.equal(ready, 503);
  const refused = await socket.emitWithAck('llm:chat:stream', chat('late'));
  assert.equal(refused.code, 'shutting_down');

  const { name, payload } = await final;
  assert.equal(name, 'llm:stream:error');
  assert.equal(payload.code, 'shutting_down');
  assert.equal(payload.retryable, true);
  socket.close();
});
