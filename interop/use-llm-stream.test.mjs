// The seed's front end, unchanged, across a forced transport close: the useLLMStream hook exactly as
// docs/integration.md gives it (copied out of that page at run time, not retyped here), rendered by React
// with the real npm socket.io-client. Started by SocketIoInteropTest (JUnit), which passes LLMGATE_URL,
// TOKEN_ALICE and PACED_ANSWER (the text the `paced` scripted provider sends, slowly).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createElement } from 'react';
import TestRenderer from 'react-test-renderer';
import { io } from 'socket.io-client';

const url = process.env.LLMGATE_URL;
const token = process.env.TOKEN_ALICE;
const pacedAnswer = process.env.PACED_ANSWER;

// Written beside this file so that its own imports ('react', 'socket.io-client') resolve as in an app.
const integration = readFileSync(new URL('../docs/integration.md', import.meta.url), 'utf8');
const hookSource = /```jsx\n(\/\/ useLLMStream\.js\n[\s\S]*?)```/.exec(integration)?.[1];
const generated = join(import.meta.dirname, '.generated');
after(() => rmSync(generated, { recursive: true, force: true }));

// React's development build reports misuse (an update during render, a broken hook) with console.error:
// the test fails on any, except the notice that react-test-renderer (React's renderer without a DOM) is
// deprecated in favour of a DOM one, which a Node test has no use for.
const reactErrors = [];
const consoleError = console.error;
console.error = (...args) => {
  if (!String(args[0]).startsWith('react-test-renderer is deprecated')) reactErrors.push(args.map(String).join(' '));
};
after(() => { console.error = consoleError; });

/** Polls `check` until it is true; fails with `what` after a generous timeout. */
async function until(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('the seed\'s useLLMStream hook renders the complete answer across a forced transport close', async () => {
  assert.ok(hookSource, 'docs/integration.md gives the hook in a ```jsx block starting // useLLMStream.js');
  mkdirSync(generated, { recursive: true });
  writeFileSync(join(generated, 'useLLMStream.js'), hookSource);
  const { useLLMStream } = await import(new URL('./.generated/useLLMStream.js', import.meta.url));

  const renders = [];
  function Chat() {
    renders.push(useLLMStream({ url, token }));
    return null;
  }
  const renderer = TestRenderer.create(createElement(Chat));
  const latest = () => renders.at(-1) ?? {}; // React renders a moment later, not inside create()
  await until('the hook to connect', () => latest().connected);

  // The hook keeps its socket to itself; a second namespace on the same URL shares its Manager
  // (socket.io-client multiplexes by default), which is how the test reaches the engine underneath.
  const manager = io(`${url}/probe`, { autoConnect: false }).io;
  let reopened = 0;
  manager.on('open', () => { reopened++; });
  latest().start('paced', [{ role: 'user', content: 'What is Bitcoin?' }]);
  await until('a few tokens', () => latest().response.split(' ').length > 3);
  const shownBeforeClose = latest().response;
  manager.engine.close();
  await until('the hook to see the disconnect', () => !latest().connected);
  await until('the stream to end', () => !latest().isStreaming, 60_000);

  const final = latest();
  assert.ok(shownBeforeClose.length < pacedAnswer.length, 'the transport closed mid-answer');
  assert.equal(reopened, 1, 'the client reconnected by itself');
  assert.ok(final.connected, 'connected again');
  assert.equal(final.error, null);
  assert.equal(final.response, pacedAnswer);
  assert.equal(final.done.fullResponse, pacedAnswer);
  assert.equal(final.done.tokenCount, pacedAnswer.split(' ').filter(Boolean).length);
  // What the user saw on the way: the answer growing, never a token twice or out of order.
  for (const { response } of renders) assert.ok(pacedAnswer.startsWith(response), JSON.stringify(response));
  renderer.unmount();
  assert.deepEqual(reactErrors, []);
});
