// The chat page at / in a real browser (Debian's chromium driven by playwright-core): token entry, model
// picker, tokens rendered as they arrive, reasoning apart, stats, Stop, errors. Run from JUnit
// (ChatPageBrowserTest), which passes LLMGATE_URL, LLMGATE_TOKEN, CHAT_TRANSPORTS (the page's transports
// to drive: socketio and/or websocket), PACED_ANSWER (the text the scripted upstream sends for a `paced`
// prompt) and SCREENSHOT_DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const url = process.env.LLMGATE_URL;
const token = process.env.LLMGATE_TOKEN;
const transports = (process.env.CHAT_TRANSPORTS || 'websocket').split(',').filter(Boolean);
const screenshots = process.env.SCREENSHOT_DIR || 'screenshots';
const pacedAnswer = process.env.PACED_ANSWER;
mkdirSync(screenshots, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
after(async () => browser?.close());

function pageUrl(transport) {
  return transport === 'websocket' ? `${url}/?transport=websocket` : `${url}/`;
}

async function openWithToken(transport) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  await page.goto(pageUrl(transport));
  await page.getByTestId('token-input').fill(token);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#status[data-state="connected"]').waitFor();
  assert.equal(await page.locator('#status').textContent(),
    transport === 'websocket' ? 'connected · WebSocket' : 'connected · Socket.IO');
  return { context, page, problems };
}

/** Polls `check` (which may be async) until it is true; fails with `what` after a generous timeout. */
async function until(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function ask(page, prompt) {
  await page.getByTestId('model').selectOption('scripted');
  await page.getByTestId('prompt').fill(prompt);
  await page.getByTestId('prompt').press('Enter');
  return page.locator('.message.assistant').last();
}

for (const transport of transports) {
  test(`[${transport}] tokens appear one by one, Stop ends the stream and nothing follows`, async () => {
    const { context, page, problems } = await openWithToken(transport);
    const answer = await ask(page, `long#page-${transport}`);
    const content = answer.locator('.content');

    // Progressive: the text grows in several visible steps while the answer is streaming.
    const seen = [];
    for (let i = 0; i < 40 && seen.length < 4; i++) {
      const text = await content.textContent();
      if (text.length && text !== seen[seen.length - 1]) seen.push(text);
      await page.waitForTimeout(30);
    }
    assert.ok(seen.length >= 4, `text grew in steps: ${JSON.stringify(seen)}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].startsWith(seen[i - 1]), 'text only grows');
    assert.equal(await answer.getAttribute('data-state'), 'streaming');
    await page.screenshot({ path: join(screenshots, `chat-page-${transport}-streaming.png`) });

    await page.getByTestId('stop').click();
    await page.locator('.message.assistant[data-state="cancelled"]').waitFor();
    const stopped = await content.textContent();
    await page.waitForTimeout(600);
    assert.equal(await content.textContent(), stopped, 'no token after Stop');
    assert.ok(await page.getByTestId('send').isVisible(), 'Send is back');
    assert.ok(!(await page.getByTestId('stop').isVisible()), 'Stop is gone');
    assert.match(await answer.locator('.stats').textContent(), /TTFT \d+ ms/);

    await page.screenshot({ path: join(screenshots, `chat-page-${transport}-stopped.png`) });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`[${transport}] reasoning is shown apart and collapsible, stats show TTFT, tokens/s and usage`, async () => {
    const { context, page, problems } = await openWithToken(transport);
    const answer = await ask(page, 'hello');
    await page.locator('.message.assistant[data-state="done"]').waitFor();

    assert.equal(await answer.locator('.content').textContent(), 'Hello world');
    const reasoning = answer.locator('details.reasoning');
    assert.ok(await reasoning.isVisible());
    assert.equal(await reasoning.getAttribute('open'), null, 'collapsed by default');
    await reasoning.locator('summary').click();
    assert.equal(await reasoning.locator('.reasoning-text').textContent(), 'thinking');
    const stats = await answer.locator('.stats').textContent();
    assert.match(stats, /TTFT \d+ ms · [\d.]+ tok\/s · 3 tokens · usage 3 in \/ 3 out · stop/);
    assert.match(await answer.locator('.model').textContent(), /^scripted\//);

    await page.screenshot({ path: join(screenshots, `chat-page-${transport}-done.png`) });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`[${transport}] a tool call is shown as it happens, one line per call`, async () => {
    const { context, page, problems } = await openWithToken(transport);
    const answer = await ask(page, 'tools');
    await page.locator('.message.assistant[data-state="done"]').waitFor();
    assert.equal(await answer.locator('.content').textContent(), 'Checking.');
    assert.deepEqual(await answer.getByTestId('tool-call').allTextContents(),
      ['⚙ called get_weather({"city":"Paris"})', '⚙ called get_time({"tz":"🌍"})']);
    assert.match(await answer.locator('.stats').textContent(), /tool_calls/);
    await page.screenshot({ path: join(screenshots, `chat-page-${transport}-tool-call.png`) });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`[${transport}] an upstream error is shown plainly`, async () => {
    const { context, page } = await openWithToken(transport);
    const answer = await ask(page, 'fail-after-first');
    await page.locator('.message.assistant[data-state="error"]').waitFor();
    assert.equal(await answer.locator('.content').textContent(), 'partial');
    assert.match(await answer.locator('.error').textContent(), /upstream reset the connection upstream_error/);
    await context.close();
  });
}

for (const transport of transports) {
  test(`[${transport}] a connection killed mid-answer comes back by itself and the answer completes once`,
    async () => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      // Every WebSocket of the page goes through here, so the test can kill the one in use. Closing the
      // server side closes the page side too (Playwright's default): to the page, a dropped connection.
      const sockets = [];
      await page.routeWebSocket(transport === 'websocket' ? /\/ws$/ : /\/socket\.io\//, (ws) => {
        const server = ws.connectToServer();
        // /ws carries the session at once; Socket.IO only once the client sent its upgrade packet ("5")
        // on it, so the page's messages are forwarded by hand to see that packet.
        const socket = { server, carries: transport === 'websocket' };
        ws.onMessage((message) => {
          if (message === '5') socket.carries = true;
          server.send(message);
        });
        sockets.push(socket);
      });
      await page.goto(pageUrl(transport));
      await page.getByTestId('token-input').fill(token);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.locator('#status[data-state="connected"]').waitFor({ timeout: 30_000 });
      await until('a WebSocket carrying the session', () => sockets.some((s) => s.carries));

      const answer = await ask(page, `paced#page-reconnect-${transport}`);
      const content = answer.locator('.content');
      await until('a few tokens', async () => (await content.textContent()).includes('w3 '));
      const shownBeforeDrop = await content.textContent();
      await sockets.findLast((s) => s.carries).server.close();
      await page.locator('.message.assistant[data-state="done"]').waitFor({ timeout: 60_000 });

      assert.ok(shownBeforeDrop.length < pacedAnswer.length, 'the connection dropped mid-answer');
      assert.equal(await content.textContent(), pacedAnswer, 'every token once, in order');
      const tokens = pacedAnswer.split(' ').filter(Boolean).length;
      assert.match(await answer.locator('.stats').textContent(), new RegExp(` ${tokens} tokens · stop`));
      assert.equal(await page.locator('#status').textContent(),
        transport === 'websocket' ? 'reconnected · WebSocket' : 'reconnected · Socket.IO');
      await page.screenshot({ path: join(screenshots, `chat-page-${transport}-reconnected.png`) });
      assert.deepEqual(problems, []);
      await context.close();
    });
}

test('without a Socket.IO server, the default page falls back to the plain WebSocket', {
  skip: transports.includes('socketio') && 'this gateway serves Socket.IO',
}, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.getByTestId('token-input').fill(token);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#status[data-state="connected"]').waitFor();
  assert.equal(await page.locator('#status').textContent(), 'connected · WebSocket');
  await context.close();
});

test('a refused token is said plainly and nothing connects', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl(transports[0]));
  await page.getByTestId('token-input').fill('not-a-token');
  await page.getByRole('button', { name: 'Save' }).click();
  const error = page.locator('#token-error');
  await error.waitFor();
  assert.match(await error.textContent(), /^unauthorized: malformed token/);
  assert.equal(await page.locator('#status').getAttribute('data-state'), 'error');
  await context.close();
});

test('the token is remembered across visits', async () => {
  const { context, page } = await openWithToken(transports[0]);
  await page.reload();
  await page.locator('#status[data-state="connected"]').waitFor();
  assert.ok(await page.locator('#token-panel').isHidden(), 'no need to paste it again');
  assert.ok((await page.getByTestId('model').locator('option').count()) >= 1);
  await context.close();
});
