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
 * digest (EVALSHA); the body travels only when Redis has not seen it since it started.
 */
record RedisScript(String name, String body, String sha) {

  static RedisScript load(String name) {
    try (InputStream in = RedisScript.class.getResourceAsStream(name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + name + ".lua");
      }
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new RedisScript(name, body, HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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
