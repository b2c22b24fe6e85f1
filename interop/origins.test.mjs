// security.allowed-origins on Socket.IO, driven with the real npm socket.io-client (Node may set the Origin
// header a browser would send). Started by BrowserOriginTest (JUnit) against a gateway that allows
// ALLOWED_ORIGIN besides its own.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';

const URL = process.env.LLMGATE_URL;
const opened = [];

function connect(transports, origin) {
  const socket = io(URL, { auth: { token: process.env.TOKEN }, transports, reconnection: false, forceNew: true,
    extraHeaders: origin ? { Origin: origin } : {} });
  opened.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true }));
    socket.once('connect_error', (error) => resolve({ connected: false, error }));
  });
}

after(() => opened.forEach((socket) => socket.close()));

for (const transport of ['polling', 'websocket']) {
  describe(`browser origins over ${transport}`, () => {
    it('a page of a refused origin gets a connect_error: its handshake was answered 403', async () => {
      const result = await connect([transport], process.env.REFUSED_ORIGIN);
      assert.equal(result.connected, false);
      assert.equal(result.error.message, transport === 'polling' ? 'xhr poll error' : 'websocket error');
      if (transport === 'polling') assert.equal(result.error.description, 403);
    });

    it('an allowed page, the gateway\'s own and a client without Origin connect', async () => {
      for (const origin of [process.env.ALLOWED_ORIGIN, URL, undefined]) {
        const result = await connect([transport], origin);
        assert.ok(result.connected, `${origin}: ${result.error?.message}`);
      }
    });
  });
}

describe('the refusal itself', () => {
  it('is the Engine.IO Forbidden error, as the official server answers a refused allowRequest', async () => {
    const response = await fetch(`${URL}/socket.io/?EIO=4&transport=polling`,
      { headers: { Origin: process.env.REFUSED_ORIGIN } });
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), { code: 4, message: 'Forbidden' });
  });
});
