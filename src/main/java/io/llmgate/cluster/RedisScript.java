package io.llmgate.cluster;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script of this package's resources, run atomically by Redis in one round trip. Sent by its SHA-1
 * digest (EVALSHA); the body travels only when Redis has not seen it since it started. A script may be
 * preceded by libraries (resources defining local functions), so that two scripts share their Lua.
 */
record RedisScript(String name, String body, String sha) {

  /** The script {@code name}, after the {@code libraries} in their order. */
  static RedisScript load(String name, String... libraries) {
    StringBuilder body = new StringBuilder();
    for (String library : libraries) {
      body.append(resource(library)).append('\n');
    }
    String script = body.append(resource(name)).toString();
    try {
      return new RedisScript(name, script, HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = RedisScript.class.getResourceAsStream(name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + name + ".lua");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Request request(Command command, List<String> keys, Object... args) {
    Request request = Request.cmd(command).arg(command == Command.EVALSHA ? sha : body).arg(keys.size());
    keys.forEach(request::arg);
    for (Object arg : args) {
      request.arg(String.valueOf(arg));
    }
    return request;
  }
}
