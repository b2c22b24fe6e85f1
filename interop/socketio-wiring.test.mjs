// docs/socketio.md's wiring example, served by SocketIoWiringExampleTest (JUnit), which passes its URL in
// env, and driven here with the real npm socket.io-client.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';

const URL = process.env.EXAMPLE_URL;

function connect(token, transports) {
  return io(URL, { auth: { token }, transports, reconnection: false, forceNew: true });
}

for (const transports of [['polling', 'websocket'], ['websocket']]) {
  it(`an authenticated socket's event is acknowledged (${transports.join('+')})`, async () => {
    const socket = connect('letmein', transports);
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const reply = await socket.timeout(10_000).emitWithAck('echo', 'héllo');
    assert.equal(reply, 'alice said héllo');
    socket.disconnect();
  });
}

it('a bad token is refused with the auth handler\'s message', async () => {
  const socket = connect('guess', ['websocket']);
  const error = await new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected with a bad token')));
    socket.once('connect_error', resolve);
  });
  assert.equal(error.message, 'bad token');
  socket.close();
});
