package io.llmgate.session;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.stream.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The tool calls of one stream, assembled from the upstream's fragments, each under the index the provider
 * gave it, so parallel calls never mix. A call must begin (with its name) at the next free index; anything
 * else is a malformed stream. A call the provider gave no id (Gemini, some OpenAI-compatible servers) gets
 * one here, once, so its fragments, {@code done.toolCalls} and a replay all name the same id.
 *
 * <p>A fragment that ends inside a UTF-16 surrogate pair (a 4-byte character whose two {@code \\u} escapes
 * arrived in different fragments) keeps its high half back until the next fragment: an event carrying a
 * lone surrogate could not be encoded as UTF-8 by any transport. Used on the stream's context only.
 */
final class ToolCallAssembler {
  /** What a fragment adds to the call it belongs to, with the call's id and name. */
  record Fragment(int callIndex, String id, String name, String argumentsDelta) {}

  private static final class Call {
    final String id;
    final String name;
    final StringBuilder arguments = new StringBuilder();
    String heldHighSurrogate = "";

    Call(String id, String name) {
      this.id = id;
      this.name = name;
    }
  }

  private final List<Call> calls = new ArrayList<>();

  /** The fragment to send, or empty when it adds nothing a client can see yet. */
  Optional<Fragment> add(UpstreamEvent.ToolCallDelta delta, String provider) {
    int index = delta.callIndex();
    if (index < 0 || index > calls.size()) {
      throw malformed(provider, "tool call index " + index + " (expected: 0 to " + calls.size() + ")");
    }
    boolean first = index == calls.size();
    if (first) {
      String name = delta.name().filter(n -> !n.isEmpty())
          .orElseThrow(() -> malformed(provider, "tool call " + index + " began without a name"));
      calls.add(new Call(delta.id().filter(id -> !id.isEmpty()).orElseGet(ToolCallAssembler::newId), name));
    }
    Call call = calls.get(index);
    String text = call.heldHighSurrogate + delta.argumentsDelta();
    call.heldHighSurrogate = "";
    if (!text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
      call.heldHighSurrogate = text.substring(text.length() - 1);
      text = text.substring(0, text.length() - 1);
    }
    call.arguments.append(text);
    return first || !text.isEmpty() ? Optional.of(new Fragment(index, call.id, call.name, text)) : Optional.empty();
  }

  /** The calls as assembled so far, in index order. */
  List<ToolCall> calls() {
    List<ToolCall> whole = new ArrayList<>(calls.size());
    for (Call call : calls) {
      whole.add(new ToolCall(call.id, call.name, call.arguments + call.heldHighSurrogate));
    }
    return whole;
  }

  /** OpenAI's id shape ({@code call_} and 24 characters), unique, so results can never be matched to another call. */
  private static String newId() {
    return "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
  }

  private static GatewayException malformed(String provider, String what) {
    return new GatewayException(ErrorCode.UPSTREAM_ERROR, provider + ": malformed stream: " + what);
  }
}
