// Cluster mode with the real npm socket.io-client: two llmgate nodes on one Redis behind a TCP balancer
// that sends each new connection to one node. Started by ClusterResumeTest (JUnit), which passes the
// nodes' ports and a token valid on both in env.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { balancer } from './balancer.mjs';

const PORT_A = Number(process.env.PORT_A);
const PORT_B = Number(process.env.PORT_B);
const TOKEN = process.env.TOKEN;
const TOKENS = Number(process.env.TOKENS);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const opened = [];

const chat = (sessionId) => ({ sessionId, provider: 'scripted', messages: [{ role: 'user', content: 'slow' }] });

describe('a stream whose client moves to another node', () => {
  after(() => opened.forEach((s) => s.close()));

  it('continues on the new node after llm:stream:resume: every index once, in order, then done; '
    + 'the reconnect is not recovered there (the packets were kept by the first node)', async () => {
    const lb = await balancer(PORT_A);
    opened.push(lb);
    const socket = io(lb.url, { auth: { token: TOKEN }, transports: ['websocket'], reconnectionDelay: 200,
      randomizationFactor: 0, forceNew: true });
    opened.push(socket);
    await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject); });
    const id = `xnode-${Date.now()}`;
    const events = [];
    let final;
    const ended = new Promise((resolve) => socket.onAny((name, payload) => {
      if (!payload || payload.sessionId !== id || !name.startsWith('llm:stream:')
        || name.endsWith(':acknowledged')) return;
      events.push({ name, payload });
      if (['llm:stream:done', 'llm:stream:error', 'llm:stream:cancelled'].includes(name)) resolve(final = payload);
    }));
    await socket.emitWithAck('llm:chat:stream', chat(id));
    while (events.filter((e) => e.name === 'llm:stream:token').length < 3) await sleep(5);
    const back = new Promise((r) => socket.once('connect', r));

    lb.switchTo(PORT_B);
    await back;
    assert.equal(socket.recovered, false, 'node B has no state of the socket node A served');
    const lastIndex = events.filter((e) => e.name === 'llm:stream:token').at(-1).payload.index;
    const resumedAt = performance.now();
    let firstAfterResume = 0;
    socket.onAny((name) => { if (name === 'llm:stream:token') firstAfterResume ||= performance.now(); });
    const ack = await socket.emitWithAck('llm:stream:resume', { sessionId: id, lastIndex });
    const ackedAt = performance.now();
    await ended;

    assert.equal(ack.live, true, JSON.stringify(ack));
    assert.equal(events.at(-1).name, 'llm:stream:done', JSON.stringify(final));
    const tokens = events.filter((e) => e.name === 'llm:stream:token').map((e) => e.payload);
    assert.deepEqual(tokens.map((t) => t.index), [...Array(TOKENS).keys()]);
    assert.equal(final.tokenCount, TOKENS);
    assert.equal(final.fullResponse, tokens.map((t) => t.token).join(''));
    assert.deepEqual(events.map((e) => e.name).filter((n) => n !== 'llm:stream:token'),
      ['llm:stream:start', 'llm:stream:done']);
    console.log(`# cross-node resume: llm:stream:resume sent to its acknowledgement ${(ackedAt - resumedAt).toFixed(1)} ms,`
      + ` to the first token ${(firstAfterResume - resumedAt).toFixed(1)} ms (${ack.replayed} replayed)`);
  });
});
