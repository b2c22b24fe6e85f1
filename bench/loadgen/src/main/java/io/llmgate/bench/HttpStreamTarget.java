package io.llmgate.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A stream over one HTTP POST answered with Server-Sent Events: the OpenAI API (direct, llmgate, Portkey)
 * or llmgate's {@code /v1/streams}. Cancelling closes the connection, as an SDK's abort does.
 */
final class HttpStreamTarget implements Target {
  private final String name;
  private final HttpClient client;
  private final int port;
  private final String path;
  private final java.util.function.Function<Run, Map<String, String>> headers;
  private final BiFunction<Run, String, JsonObject> body;

  HttpStreamTarget(String name, HttpClient client, int port, String path,
      java.util.function.Function<Run, Map<String, String>> headers,
      BiFunction<Run, String, JsonObject> body) {
    this.name = name;
    this.client = client;
    this.port = port;
    this.path = path;
    this.headers = headers;
    this.body = body;
  }

  /** An OpenAI chat completion request for {@code model}. */
  static BiFunction<Run, String, JsonObject> openAi(String model) {
    return (run, prompt) -> new JsonObject().put("model", model).put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }

  /** llmgate's {@code llm:chat:stream} payload. */
  static BiFunction<Run, String, JsonObject> llmgate(String provider) {
    return (run, prompt) -> new JsonObject().put("sessionId", run.id).put("provider", provider)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start(Run run, String prompt) {
    Buffer payload = body.apply(run, prompt).toBuffer();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(path).putHeader("content-type", "application/json").putHeader("accept", "text/event-stream");
    headers.apply(run).forEach(options::putHeader);
    client.request(options).onComplete(opened -> {
      if (opened.failed()) {
        run.end(false, "connect: " + opened.cause().getMessage());
        return;
      }
      HttpClientRequest request = opened.result();
      run.cancel = () -> request.reset();
      run.started();
      request.send(payload).onComplete(answered -> {
        if (answered.failed()) {
          run.end(false, "request: " + answered.cause().getMessage());
        } else {
          read(run, answered.result());
        }
      });
    });
  }

  private static void read(Run run, HttpClientResponse response) {
    if (response.statusCode() != 200) {
      response.body().onComplete(body -> run.end(false, "HTTP " + response.statusCode() + " "
          + (body.succeeded() ? body.result().toString() : "")));
      return;
    }
    LineReader lines = new LineReader(line -> line(run, line));
    response.handler(lines::feed);
    response.exceptionHandler(e -> run.end(false, "connection: " + e.getMessage()));
    response.endHandler(v -> run.end(false, "response ended without the end event"));
  }

  private static void line(Run run, String line) {
    if (line.contains("ts=")) {
      run.token(line);
    } else if (line.startsWith("data: [DONE]") || line.startsWith("event: llm:stream:done")) {
      run.end(true, "");
    } else if (line.startsWith("event: llm:stream:error") || line.startsWith("event: llm:stream:cancelled")
        || line.startsWith("data: {\"error\"")) {
      run.end(false, line);
    }
  }

  /** Splits a byte stream into lines across reads. */
  static final class LineReader {
    private final java.util.function.Consumer<String> sink;
    private String carry = "";

    LineReader(java.util.function.Consumer<String> sink) {
      this.sink = sink;
    }

    void feed(Buffer bytes) {
      String text = carry.isEmpty() ? bytes.toString() : carry + bytes.toString();
      int start = 0;
      for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        if (nl > start) {
          sink.accept(text.substring(start, nl));
        }
        start = nl + 1;
      }
      carry = start < text.length() ? text.substring(start) : "";
    }
  }
}
