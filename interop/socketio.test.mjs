// The original front-end contract (protocol.md), driven with the real npm socket.io-client against a
// running llmgate. Started by SocketIoInteropTest (JUnit), which passes the URL and tokens in env.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';

const URL = process.env.LLMGATE_URL;
const TOKENS = {
  alice: process.env.TOKEN_ALICE,
  bob: process.env.TOKEN_BOB,
  expired: process.env.TOKEN_EXPIRED,
  badSignature: process.env.TOKEN_BAD_SIGNATURE,
  algNone: process.env.TOKEN_ALG_NONE,
};
const TRANSPORTS = (process.env.SIO_TRANSPORTS || 'polling,websocket').split(',');
const opened = [];

function connect(token, transports, extra = {}) {
  const socket = io(URL, { auth: token === undefined ? undefined : { token }, transports, reconnection: false,
    forceNew: true, ...extra });
  opened.push(socket);
  return socket;
}

function connected(socket) {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function refused(socket) {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected with a bad token')));
    socket.once('connect_error', resolve);
  });
}

const STREAM_EVENTS = ['llm:stream:start', 'llm:stream:token', 'llm:stream:reasoning', 'llm:stream:tool_call',
  'llm:stream:done',
  'llm:stream:error', 'llm:stream:cancelled'];

/** Records every stream event of a session (not the acknowledgements) until its final event. */
function record(socket, sessionId) {
  const events = [];
  const finals = ['llm:stream:done', 'llm:stream:error', 'llm:stream:cancelled'];
  return {
    events,
    final: new Promise((resolve) => {
      socket.onAny((name, payload) => {
        if (!STREAM_EVENTS.includes(name) || !payload || payload.sessionId !== sessionId) return;
        events.push({ name, payload });
        if (finals.includes(name)) resolve({ name, payload });
      });
    }),
  };
}

const chat = (sessionId, provider = 'scripted', extra = {}) =>
  ({ sessionId, provider, messages: [{ role: 'user', content: 'What is Bitcoin?' }], ...extra });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

after(() => opened.forEach((s) => s.close()));

for (const transport of TRANSPORTS) {
  const transports = transport === 'polling' ? ['polling', 'websocket'] : ['websocket'];

  describe(`socket.io-client over ${transport}`, () => {
    it('streams acknowledged, start, indexed tokens and done', async () => {
      const socket = await connected(connect(TOKENS.alice, transports));
      const rec = record(socket, 's-basic');
      const ackEvent = new Promise((r) => socket.once('llm:chat:stream:acknowledged', r));
      const ackCallback = await socket.emitWithAck('llm:chat:stream', chat('s-basic'));
      const final = await rec.final;

      assert.equal(ackCallback.sessionId, 's-basic');
      assert.equal(ackCallback.provider, 'scripted');
      assert.match(ackCallback.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(await ackEvent, ackCallback);
      assert.equal(final.name, 'llm:stream:done');
      const names = rec.events.map((e) => e.name);
      assert.equal(names[0], 'llm:stream:start');
      const tokens = rec.events.filter((e) => e.name === 'llm:stream:token').map((e) => e.payload);
      assert.ok(tokens.length >= 3, `tokens: ${tokens.length}`);
      assert.deepEqual(tokens.map((t) => t.index), tokens.map((_, i) => i));
      const done = final.payload;
      assert.equal(done.fullResponse, tokens.map((t) => t.token).join(''));
      assert.equal(done.tokenCount, tokens.length);
      assert.equal(done.provider, 'scripted');
      assert.equal(done.finishReason, 'stop');
      assert.deepEqual(Object.keys(done.usage).sort(), ['inputTokens', 'outputTokens']);
      assert.equal(typeof done.ttftMs, 'number');
      assert.equal(typeof done.durationMs, 'number');
      if (transport === 'polling') assert.equal(socket.io.engine.transport.name, 'websocket', 'upgraded');
    });

    it('tool calls stream as llm:stream:tool_call fragments, each call under its own index, and done has them whole',
      async () => {
        const socket = await connected(connect(TOKENS.alice, transports));
        const sessionId = `s-tools-${transport}`;
        const rec = record(socket, sessionId);
        await socket.emitWithAck('llm:chat:stream', chat(sessionId, 'tools', {
          tools: [{ name: 'get_weather', parameters: { type: 'object' } }, { name: 'get_time' }],
          toolChoice: 'required', parallelToolCalls: true,
        }));
        const final = await rec.final;

        const calls = rec.events.filter((e) => e.name === 'llm:stream:tool_call').map((e) => e.payload);
        assert.deepEqual(calls.map((c) => [c.index, c.callIndex, c.id, c.name]), [
          [1, 0, 'call_a', 'get_weather'], [2, 1, 'call_b', 'get_time'], [3, 0, 'call_a', 'get_weather'],
          [4, 1, 'call_b', 'get_time'], [5, 0, 'call_a', 'get_weather']]);
        assert.deepEqual(calls.map((c) => c.argumentsDelta), ['', '{"tz":"', '{"city":', '🌍"}', '"Paris"}']);
        assert.equal(final.name, 'llm:stream:done');
        assert.equal(final.payload.finishReason, 'tool_calls');
        assert.deepEqual(final.payload.toolCalls, [
          { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call_b', name: 'get_time', arguments: '{"tz":"🌍"}' }]);
      });

    it('cancel acknowledges, ends with cancelled, and no token follows', async () => {
      const socket = await connected(connect(TOKENS.alice, transports));
      const rec = record(socket, 's-cancel');
      await socket.emitWithAck('llm:chat:stream', chat('s-cancel', 'slow'));
      while (!rec.events.some((e) => e.name === 'llm:stream:token')) await sleep(10);
      const cancelAck = new Promise((r) => socket.once('llm:stream:cancel:acknowledged', r));
      socket.emit('llm:stream:cancel', { sessionId: 's-cancel' });
      const ack = await cancelAck;
      const final = await rec.final;
      await sleep(400);

      assert.equal(ack.sessionId, 's-cancel');
      assert.equal(ack.cancelled, true);
      assert.equal(final.name, 'llm:stream:cancelled');
      assert.equal(rec.events.at(-1).name, 'llm:stream:cancelled', 'nothing after cancelled');
    });

    it('cancelling an unknown session acknowledges cancelled: false', async () => {
      const socket = await connected(connect(TOKENS.alice, transports));
      const ack = new Promise((r) => socket.once('llm:stream:cancel:acknowledged', r));
      socket.emit('llm:stream:cancel', { sessionId: 'never-started' });
      assert.equal((await ack).cancelled, false);
    });

    it('another user can neither cancel a session nor see its events', async () => {
      const alice = await connected(connect(TOKENS.alice, transports));
      const bob = await connected(connect(TOKENS.bob, transports));
      const seenByBob = [];
      bob.onAny((name, payload) => { if (payload && payload.sessionId === 's-private') seenByBob.push(name); });
      const rec = record(alice, 's-private');
      await alice.emitWithAck('llm:chat:stream', chat('s-private', 'slow'));
      const bobAck = new Promise((r) => bob.once('llm:stream:cancel:acknowledged', r));
      bob.emit('llm:stream:cancel', { sessionId: 's-private' });

      assert.equal((await bobAck).cancelled, false);
      assert.equal((await rec.final).name, 'llm:stream:done');
      assert.deepEqual(seenByBob.filter((n) => n !== 'llm:stream:cancel:acknowledged'), []);
    });

    it('several concurrent sessions on one socket are independent', async () => {
      const socket = await connected(connect(TOKENS.alice, transports));
      const ids = ['c1', 'c2', 'c3'];
      const recs = ids.map((id) => record(socket, id));
      await Promise.all(ids.map((id) => socket.emitWithAck('llm:chat:stream', chat(id))));
      socket.emit('llm:stream:cancel', { sessionId: 'c2' });
      const finals = await Promise.all(recs.map((r) => r.final));
      assert.equal(finals[0].name, 'llm:stream:done');
      assert.ok(['llm:stream:cancelled', 'llm:stream:done'].includes(finals[1].name));
      assert.equal(finals[2].name, 'llm:stream:done');
      for (const r of recs) {
        assert.equal(r.events.filter((e) => ['llm:stream:done', 'llm:stream:cancelled', 'llm:stream:error']
          .includes(e.name)).length, 1);
      }
    });

    it('an unknown provider, an invalid request and a duplicate session get llm:stream:error codes', async () => {
      const socket = await connected(connect(TOKENS.alice, transports));
      const errors = [];
      socket.on('llm:stream:error', (e) => errors.push(e));

      const unknown = await socket.emitWithAck('llm:chat:stream', chat('e1', 'nope'));
      await socket.emitWithAck('llm:chat:stream', chat('e2', 'slow'));
      const duplicate = await socket.emitWithAck('llm:chat:stream', chat('e2', 'slow'));
      const badCases = [
        'not an object', 42, null, [], { sessionId: 'e3' },
        { sessionId: 'e4', provider: 'scripted', messages: [] },
        { sessionId: 'e5', provider: 'scripted', messages: [{ role: 'wizard', content: 'x' }] },
        { sessionId: 'e6', provider: 'scripted', messages: [{ role: 'user', content: 7 }] },
        { sessionId: 'x'.repeat(129), provider: 'scripted', messages: [{ role: 'user', content: 'x' }] },
        { sessionId: 'e7', provider: 'scripted', messages: [{ role: 'user', content: 'y'.repeat(100_000) }] },
      ];
      for (const bad of badCases) socket.emit('llm:chat:stream', bad);
      socket.emit('llm:chat:stream');
      while (errors.length < 3 + badCases.length) await sleep(10);
      socket.emit('llm:stream:cancel', { sessionId: 'e2' });

      assert.equal(unknown.code, 'unknown_provider');
      assert.equal(duplicate.code, 'duplicate_session');
      const invalid = errors.filter((e) => e.code === 'invalid_request');
      assert.ok(invalid.length >= badCases.length, JSON.stringify(errors.map((e) => e.code)));
      for (const e of errors) {
        assert.equal(typeof e.error, 'string');
        assert.ok(e.error.length > 0 && e.error.length < 500, e.error);
        assert.equal(typeof e.timestamp, 'string');
      }
      assert.equal(socket.connected, true, 'the connection survives bad input');
    });

    it('resuming on a new socket after a disconnect replays through cancelled', async () => {
      const id = `r-gone-${transport}`;
      const first = await connected(connect(TOKENS.alice, transports));
      const rec = record(first, id);
      await first.emitWithAck('llm:chat:stream', chat(id, 'slow'));
      while (!rec.events.some((e) => e.name === 'llm:stream:token')) await sleep(10);
      first.disconnect();
      const health = async () => (await fetch(`${URL}/websocket/health`)).json();
      for (let i = 0; i < 100 && (await health()).activeLLMStreams > 0; i++) await sleep(20);
      const second = await connected(connect(TOKENS.alice, transports));
      const again = record(second, id);
      const ackEvent = new Promise((r) => second.once('llm:stream:resume:acknowledged', r));

      const ack = await second.emitWithAck('llm:stream:resume', { sessionId: id, lastIndex: 0 });
      const final = await again.final;

      assert.deepEqual(await ackEvent, ack);
      assert.equal(ack.sessionId, id);
      assert.equal(ack.live, false);
      assert.equal(final.name, 'llm:stream:cancelled');
      const indexes = again.events.filter((e) => e.name === 'llm:stream:token').map((e) => e.payload.index);
      assert.deepEqual(indexes, indexes.map((_, i) => i + 1));
      assert.equal(ack.replayed, again.events.length);
      assert.equal(again.events.at(-1).name, 'llm:stream:cancelled');
    });

    it('a second socket of the same user resumes a running stream live, without gap or duplicate', async () => {
      const id = `r-live-${transport}`;
      const first = await connected(connect(TOKENS.alice, transports));
      const rec = record(first, id);
      await first.emitWithAck('llm:chat:stream', chat(id, 'slow'));
      while (!rec.events.some((e) => e.payload.index === 1)) await sleep(10);
      const second = await connected(connect(TOKENS.alice, transports));
      const again = record(second, id);

      const ack = await second.emitWithAck('llm:stream:resume', { sessionId: id, lastIndex: 1 });
      const final = await again.final;
      await sleep(200);

      assert.equal(ack.live, true);
      assert.equal(final.name, 'llm:stream:done');
      const tokens = again.events.filter((e) => e.name === 'llm:stream:token').map((e) => e.payload);
      assert.deepEqual(tokens.map((t) => t.index), [2, 3, 4, 5]);
      assert.equal(final.payload.tokenCount, 6);
      assert.ok(final.payload.fullResponse.endsWith(tokens.map((t) => t.token).join('')));
      assert.equal(again.events.filter((e) => e.name === 'llm:stream:done').length, 1);
      assert.ok(!rec.events.some((e) => e.name === 'llm:stream:done'), 'the first socket stops receiving');
    });

    it('resuming an unknown session, or another user\'s, gets not_found', async () => {
      const alice = await connected(connect(TOKENS.alice, transports));
      const bob = await connected(connect(TOKENS.bob, transports));
      await alice.emitWithAck('llm:chat:stream', chat(`r-mine-${transport}`));
      const errorEvent = new Promise((r) => alice.once('llm:stream:error', r));

      const unknown = await alice.emitWithAck('llm:stream:resume', { sessionId: 'never-started', lastIndex: 3 });
      const others = await bob.emitWithAck('llm:stream:resume', { sessionId: `r-mine-${transport}` });
      const invalid = await alice.emitWithAck('llm:stream:resume', { sessionId: 'x', lastIndex: 'soon' });

      assert.equal(unknown.code, 'not_found');
      assert.equal(unknown.sessionId, 'never-started');
      assert.deepEqual(await errorEvent, unknown);
      assert.equal(others.code, 'not_found');
      assert.equal(invalid.code, 'invalid_request');
    });

    it('event packets carry the connection state recovery offset as their last argument', async () => {
      const socket = await connected(connect(TOKENS.alice, transports));
      const id = `csr-offset-${transport}`;
      const args = [];
      socket.onAny((...all) => { if (all[1] && all[1].sessionId === id) args.push(all); });
      await socket.emitWithAck('llm:chat:stream', chat(id));
      while (!args.some((a) => a[0] === 'llm:stream:done')) await sleep(10);

      const offsets = args.map((a) => a.at(-1));
      assert.ok(args.every((a) => a.length === 3), JSON.stringify(args[0]));
      assert.ok(offsets.every((o) => typeof o === 'string'), JSON.stringify(offsets));
      assert.equal(new Set(offsets).size, offsets.length, 'each packet its own offset');
    });

    it('after a dropped transport the socket recovers: same id, recovered, every missed event once, in order',
      async () => {
        const id = `csr-${transport}`;
        const only = transport === 'polling' ? ['polling'] : ['websocket'];
        // A reconnect after ~400 ms: the slow stream (a token every 150 ms) goes on meanwhile.
        const socket = await connected(connect(TOKENS.alice, only,
          { reconnection: true, reconnectionDelay: 400, randomizationFactor: 0 }));
        const sid = socket.id;
        const rec = record(socket, id);
        let reopenedAt = 0;
        let firstAfterReopen = 0;
        socket.onAny(() => { if (reopenedAt && !firstAfterReopen) firstAfterReopen = performance.now(); });
        socket.io.on('open', () => { reopenedAt = performance.now(); });
        await socket.emitWithAck('llm:chat:stream', chat(id, 'slow'));
        while (!rec.events.some((e) => e.name === 'llm:stream:token')) await sleep(5);
        const seenBeforeDrop = rec.events.length;
        const back = new Promise((r) => socket.once('connect', r));

        socket.io.engine.close();
        await back;
        const final = await rec.final;
        await sleep(300);

        assert.equal(socket.recovered, true);
        assert.equal(socket.id, sid);
        assert.equal(final.name, 'llm:stream:done');
        const tokens = rec.events.filter((e) => e.name === 'llm:stream:token').map((e) => e.payload);
        assert.deepEqual(tokens.map((t) => t.index), [0, 1, 2, 3, 4, 5]);
        assert.equal(final.payload.fullResponse, tokens.map((t) => t.token).join(''));
        assert.deepEqual(rec.events.map((e) => e.name).filter((n) => n !== 'llm:stream:token'),
          ['llm:stream:start', 'llm:stream:done']);
        assert.ok(rec.events.length > seenBeforeDrop + 1, 'events were missed and recovered');
        console.log(`# reconnect (engine open) to first missed event over ${transport}: `
          + `${(firstAfterReopen - reopenedAt).toFixed(1)} ms`);
      });

    it('a socket that left with socket.disconnect() is not recovered when it connects again', async () => {
      const socket = await connected(connect(TOKENS.alice, transports));
      const sid = socket.id;
      await socket.emitWithAck('llm:chat:stream', chat(`csr-left-${transport}`));
      socket.disconnect();

      await connected(socket.connect());

      assert.equal(socket.recovered, false);
      assert.notEqual(socket.id, sid);
    });

    it('disconnecting cancels the client\'s running streams', async () => {
      const socket = await connected(connect(TOKENS.alice, transports));
      await socket.emitWithAck('llm:chat:stream', chat('d1', 'slow'));
      socket.disconnect();
      const health = async () => (await fetch(`${URL}/websocket/health`)).json();
      let active = (await health()).activeLLMStreams;
      for (let i = 0; i < 100 && active > 0; i++) { await sleep(20); active = (await health()).activeLLMStreams; }
      assert.equal(active, 0);
    });
  });
}

describe('authentication at connect', () => {
  const cases = [
    ['missing', undefined, /unauthorized: missing token/],
    ['expired', TOKENS.expired, /unauthorized: token expired/],
    ['malformed', 'not-a-jwt', /unauthorized: malformed token/],
    ['wrong signature', TOKENS.badSignature, /unauthorized: invalid token signature/],
    ['alg none', TOKENS.algNone, /unauthorized: unsigned token/],
  ];
  for (const [label, token, message] of cases) {
    it(`refuses a ${label} token with connect_error`, async () => {
      const error = await refused(connect(token, ['websocket']));
      assert.match(error.message, message);
    });
  }
});

describe('rate limit', () => {
  it('the message over the per-minute limit gets rate_limited and nothing else happens', async () => {
    const socket = await connected(connect(process.env.TOKEN_LIMITED, ['websocket']));
    const limit = Number(process.env.MESSAGES_PER_MINUTE);
    const errors = [];
    socket.on('llm:stream:error', (e) => errors.push(e));
    for (let i = 0; i < limit; i++) socket.emit('llm:stream:cancel', { sessionId: `none-${i}` });
    const over = await socket.emitWithAck('llm:chat:stream', chat('over-limit'));
    assert.equal(over.code, 'rate_limited');
    assert.equal(errors.at(-1).code, 'rate_limited');
  });
});
