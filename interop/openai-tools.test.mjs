// The official OpenAI SDK's tool helpers against llmgate, whose "openai" provider points at a fake
// upstream. Run from JUnit (OpenAiSdkInteropTest), which queues the upstream's replies in the order
// these tests run, passes LLMGATE_URL and LLMGATE_TOKEN, and afterwards checks what the upstream received.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: `${process.env.LLMGATE_URL}/v1`, apiKey: process.env.LLMGATE_TOKEN });
const weather = [{ role: 'user', content: 'Weather and time in Zürich?' }];
const tool = (name) => ({ type: 'function', function: { name, parameters: { type: 'object', properties: {} } } });

test('chat.completions.stream() assembles parallel calls whose fragments interleave', async () => {
  const runner = client.chat.completions.stream({
    model: 'openai', messages: weather, tools: [tool('get_weather'), tool('get_time')],
  });
  const named = [];
  runner.on('chunk', (chunk) => {
    for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) if (call.id) named.push([call.index, call.id]);
  });
  const final = await runner.finalChatCompletion();
  const message = final.choices[0].message;
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
  assert.deepEqual(message.tool_calls.map((c) => [c.id, c.type, c.function.name, c.function.arguments]), [
    ['call_synthWeather0000000001', 'function', 'get_weather', '{"city":"Zürich 🏔"}'],
    ['call_synthTime000000000002', 'function', 'get_time', '{"zone":"🌍"}'],
  ]);
  // OpenAI's form: each call's id (and name) in its first chunk only.
  assert.deepEqual(named, [[0, 'call_synthWeather0000000001'], [1, 'call_synthTime000000000002']]);
});

test('runTools makes the calls, sends the results back and returns the final answer', async () => {
  const called = [];
  const fn = (name, result) => ({
    type: 'function',
    function: {
      name, description: name, parameters: { type: 'object', properties: {} }, parse: JSON.parse,
      function: (args) => { called.push([name, args]); return result; },
    },
  });
  const runner = client.chat.completions.runTools({
    model: 'openai', stream: true, messages: [{ role: 'user', content: 'Name a product of the country.' }],
    tools: [fn('get_country', 'UK'), fn('get_product_name', 'Marmite')],
  });
  const answer = await runner.finalContent();
  assert.deepEqual(called, [['get_country', {}], ['get_product_name', {}]]);
  assert.equal(answer, 'The capital of the UK is London.');
  const roles = runner.messages.map((m) => m.role);
  assert.deepEqual(roles, ['user', 'assistant', 'tool', 'tool', 'assistant']);
});

test('a whole (non-streamed) completion carries the calls with content null', async () => {
  const completion = await client.chat.completions.create({
    model: 'openai', messages: weather, tools: [tool('get_capital')], tool_choice: 'required',
  });
  const message = completion.choices[0].message;
  assert.equal(completion.choices[0].finish_reason, 'tool_calls');
  assert.equal(message.content, null);
  assert.deepEqual(message.tool_calls, [{
    id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', type: 'function',
    function: { name: 'get_capital', arguments: '{"country":"UK"}' },
  }]);
});
