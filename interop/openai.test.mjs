// The official OpenAI SDK against llmgate: baseURL pointed at the gateway, nothing else changed.
// Run from JUnit (OpenAiSdkInteropTest), which starts the gateway with a scripted upstream whose
// behaviour each prompt selects, and passes LLMGATE_URL, LLMGATE_TOKEN and LLMGATE_API_KEY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = `${process.env.LLMGATE_URL}/v1`;
const client = new OpenAI({ baseURL, apiKey: process.env.LLMGATE_TOKEN });
const hello = [{ role: 'user', content: 'hello' }];

async function activeStreams() {
  const health = await fetch(`${process.env.LLMGATE_URL}/websocket/health`);
  return (await health.json()).activeLLMStreams;
}

async function eventually(condition, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('streams content, reasoning, finish reason and usage', async () => {
  const stream = await client.chat.completions.create({
    model: 'scripted', messages: hello, stream: true, stream_options: { include_usage: true },
  });
  let content = '';
  let reasoning = '';
  let finishReason;
  let usage;
  let id;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    id ??= chunk.id;
    assert.equal(chunk.id, id, 'one id for every chunk');
    const choice = chunk.choices[0];
    content += choice?.delta?.content ?? '';
    reasoning += choice?.delta?.reasoning_content ?? '';
    finishReason ??= choice?.finish_reason ?? undefined;
    usage = chunk.usage ?? usage;
  }
  assert.equal(content, 'Hello world');
  assert.equal(reasoning, 'thinking');
  assert.equal(finishReason, 'stop');
  assert.deepEqual(usage, {
    prompt_tokens: 3, completion_tokens: 3, total_tokens: 6,
    prompt_tokens_details: { cached_tokens: 1 }, completion_tokens_details: { reasoning_tokens: 2 },
  });
  assert.match(id, /^chatcmpl-/);
});

test('answers whole without stream', async () => {
  const completion = await client.chat.completions.create({ model: 'scripted/script-2', messages: hello });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, 'scripted/script-2');
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].message.content, 'Hello world');
  assert.equal(completion.choices[0].message.reasoning_content, 'thinking');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.deepEqual(completion.usage, {
    prompt_tokens: 3, completion_tokens: 3, total_tokens: 6,
    prompt_tokens_details: { cached_tokens: 1 }, completion_tokens_details: { reasoning_tokens: 2 },
  });
});

test('the SDK stream helper assembles the final completion', async () => {
  const runner = client.chat.completions.stream({ model: 'scripted', messages: hello });
  const deltas = [];
  runner.on('content', (delta) => deltas.push(delta));
  const final = await runner.finalChatCompletion();
  assert.deepEqual(deltas, ['Hel', 'lo', ' world']);
  assert.equal(final.choices[0].message.content, 'Hello world');
  assert.equal(final.choices[0].finish_reason, 'stop');
});

test('an image and a json_schema response_format reach the provider, and parse() reads the JSON', async () => {
  const pixel = 'data:image/png;base64,iVBORw0KGgo=';
  const completion = await client.chat.completions.parse({
    model: 'scripted',
    messages: [{ role: 'user', content: [
      { type: 'text', text: 'place' },
      { type: 'image_url', image_url: { url: pixel, detail: 'low' } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
    ] }],
    response_format: { type: 'json_schema', json_schema: { name: 'place', strict: true, schema: {
      type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false,
    } } },
    stop: ['END'], top_p: 0.5, seed: 7, presence_penalty: 1, frequency_penalty: -1, user: 'end-user-1',
    reasoning_effort: 'low',
  });
  assert.deepEqual(completion.choices[0].message.parsed, { city: 'Paris' });
});

test('lists the configured models', async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.deepEqual(ids, ['scripted', 'scripted/script-1', 'scripted/script-2']);
});

test('an unknown model is a 404 in OpenAI error shape, not retried', async () => {
  let requests = 0;
  const counting = new OpenAI({
    baseURL, apiKey: process.env.LLMGATE_TOKEN, fetch: (...args) => { requests++; return fetch(...args); },
  });
  await assert.rejects(
    counting.chat.completions.create({ model: 'gpt-nonexistent', messages: hello }),
    (error) => {
      assert.ok(error instanceof OpenAI.NotFoundError, `${error}`);
      assert.equal(error.status, 404);
      assert.equal(error.code, 'unknown_provider');
      assert.equal(error.type, 'invalid_request_error');
      assert.match(error.message, /gpt-nonexistent/);
      return true;
    });
  assert.equal(requests, 1, 'x-should-retry: false stops the SDK from retrying');
});

test('a bad request is a 400 that names the field', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'scripted', messages: [] }),
    (error) => error instanceof OpenAI.BadRequestError && /messages/.test(error.message));
  await assert.rejects(
    client.chat.completions.create({ model: 'scripted', messages: hello, temperature: 7 }),
    (error) => error instanceof OpenAI.BadRequestError && /temperature/.test(error.message));
});

test('a refused key is an AuthenticationError', async () => {
  const stranger = new OpenAI({ baseURL, apiKey: 'sk-not-a-key', maxRetries: 0 });
  await assert.rejects(
    stranger.chat.completions.create({ model: 'scripted', messages: hello }),
    (error) => {
      assert.ok(error instanceof OpenAI.AuthenticationError, `${error}`);
      // The SDK puts the status in front of the server's message.
      assert.equal(error.message, '401 unauthorized: malformed token (expected: header.payload.signature)');
      return true;
    });
});

test('the configured static API key is accepted like a JWT', async () => {
  const keyed = new OpenAI({ baseURL, apiKey: process.env.LLMGATE_API_KEY });
  const completion = await keyed.chat.completions.create({ model: 'scripted', messages: hello });
  assert.equal(completion.choices[0].message.content, 'Hello world');
});

test('an upstream failure before the stream starts is an HTTP error status', async () => {
  const once = new OpenAI({ baseURL, apiKey: process.env.LLMGATE_TOKEN, maxRetries: 0 });
  await assert.rejects(
    once.chat.completions.create({
      model: 'scripted', messages: [{ role: 'user', content: 'fail-early' }], stream: true,
    }),
    (error) => {
      assert.ok(error instanceof OpenAI.InternalServerError, `${error}`);
      assert.equal(error.status, 503);
      assert.equal(error.code, 'upstream_unavailable');
      return true;
    });
});

test('a retryable failure is retried by the SDK, as x-should-retry: true allows', async () => {
  let requests = 0;
  const counting = new OpenAI({
    baseURL, apiKey: process.env.LLMGATE_TOKEN, fetch: (...args) => { requests++; return fetch(...args); },
  });
  await assert.rejects(
    counting.chat.completions.create({ model: 'scripted', messages: [{ role: 'user', content: 'fail-early#retried' }] }),
    (error) => error instanceof OpenAI.InternalServerError && error.status === 503);
  assert.equal(requests, 3, 'the first request and the SDK default of two retries');
});

test('an upstream failure mid-stream is raised by the iterator, never a clean end', async () => {
  const stream = await client.chat.completions.create({
    model: 'scripted', messages: [{ role: 'user', content: 'fail-after-first' }], stream: true,
  });
  let content = '';
  await assert.rejects(
    (async () => {
      for await (const chunk of stream) content += chunk.choices[0]?.delta?.content ?? '';
    })(),
    (error) => {
      assert.ok(error instanceof OpenAI.APIError, `${error}`);
      assert.equal(error.code, 'upstream_error');
      assert.match(error.message, /upstream reset the connection/);
      return true;
    });
  assert.equal(content, 'partial');
});

test('AbortController abort ends the stream and aborts the upstream request', async () => {
  const controller = new AbortController();
  const stream = await client.chat.completions.create(
    { model: 'scripted', messages: [{ role: 'user', content: 'long#abort-signal' }], stream: true },
    { signal: controller.signal });
  let tokens = 0;
  // The SDK's iterator swallows the abort: the loop just ends.
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta?.content && ++tokens === 2) controller.abort();
  }
  assert.equal(tokens, 2);
  await eventually(async () => (await activeStreams()) === 0, 'the gateway released the stream');
});

test('breaking out of the loop aborts the upstream request too', async () => {
  const stream = await client.chat.completions.create({
    model: 'scripted', messages: [{ role: 'user', content: 'long#break' }], stream: true,
  });
  let tokens = 0;
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta?.content && ++tokens === 2) break;
  }
  await eventually(async () => (await activeStreams()) === 0, 'the gateway released the stream');
});
