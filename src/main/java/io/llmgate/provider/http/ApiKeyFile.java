package io.llmgate.provider.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's API key kept in a file, a mounted secret (Kubernetes, Docker, a Vault agent), so that a
 * rotated key is used without a restart. The file is read once at start, before the server listens;
 * afterwards a request whose key was read more than {@link #CHECK_EVERY} ago waits for the file to be read
 * again on Vert.x's file system, whose reads run on a worker thread, never on the event loop. The requests
 * of the same moment share that one read; within the second a request takes the key as it is, with no I/O.
 *
 * <p>A read that fails or finds no key (a rotation that truncates the file before writing it, a secret
 * unmounted) keeps the last key, with a warning: the provider's own answer ({@code upstream_auth} on a 401)
 * says when that key stops working, and a stream never fails for a moment's state of the file.
 */
public final class ApiKeyFile implements RequestHook {
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyFile.class);

  private record Key(String value, long readAtNanos) {}

  private final Vertx vertx;
  private final String provider;
  private final Path path;
  private volatile Key key;
  private Future<Key> reading; // guarded by this
  private String lastProblem; // guarded by this: each problem is told once, not once a second

  private ApiKeyFile(Vertx vertx, String provider, Path path, String first) {
    this.vertx = vertx;
    this.provider = provider;
    this.path = path;
    this.key = new Key(first, System.nanoTime());
  }

  /**
   * Reads {@code file} now, blocking (call it at start-up); fails with {@link IllegalArgumentException}
   * naming {@code setting} when it cannot be read or holds no key.
   */
  public static ApiKeyFile read(Vertx vertx, String provider, String setting, String file) {
    String text;
    Path path;
    try {
      path = Path.of(file);
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(setting + ": \"" + file + "\" cannot be read (" + e.getClass().getSimpleName()
          + ") (expected: a readable file holding the key)");
    }
    String problem = problem(text);
    if (problem != null) {
      throw new IllegalArgumentException(setting + ": \"" + path + "\" " + problem + " (expected: the key alone)");
    }
    return new ApiKeyFile(vertx, provider, path, text.strip());
  }

  /** The key read last: what a provider's endpoint starts with. */
  public String key() {
    return key.value();
  }

  @Override
  public Future<UpstreamCall> prepare(UpstreamCall call) {
    Key now = key;
    if (System.nanoTime() - now.readAtNanos() < CHECK_EVERY.toNanos()) {
      return Future.succeededFuture(authenticated(call, now));
    }
    return reread().map(fresh -> authenticated(call, fresh));
  }

  private static UpstreamCall authenticated(UpstreamCall call, Key key) {
    return key.value().equals(call.secret()) ? call : call.withKey(key.value());
  }

  /** The one read in flight, or a new one; the lock is held for no I/O, only to share the read. */
  private synchronized Future<Key> reread() {
    if (reading != null) {
      return reading;
    }
    Future<Key> read = vertx.fileSystem().readFile(path.toString()).transform(done -> Future.succeededFuture(onRead(done)));
    if (!read.isComplete()) {
      reading = read; // onRead, which waits for this lock, clears it
    }
    return read;
  }

  /** The key to use from now on, given what reading the file gave. */
  private synchronized Key onRead(AsyncResult<Buffer> read) {
    reading = null;
    String text = read.succeeded() ? read.result().toString(StandardCharsets.UTF_8) : "";
    String problem = read.failed() ? "cannot be read (" + read.cause().getClass().getSimpleName() + ")" : problem(text);
    Key last = key;
    if (problem != null) {
      if (!problem.equals(lastProblem)) {
        LOG.warn("{}: api-key-file {} {}; the last key read stays in use", provider, path, problem);
      }
      lastProblem = problem;
      key = new Key(last.value(), System.nanoTime());
      return key;
    }
    lastProblem = null;
    String value = text.strip();
    if (!value.equals(last.value())) {
      LOG.info("{}: api-key-file {} holds a new key, used from now on", provider, path);
    }
    key = new Key(value, System.nanoTime());
    return key;
  }

  /** Why {@code text} is no key, or null: one line, the key alone (a trailing newline is fine). */
  private static String problem(String text) {
    String value = text.strip();
    if (value.isEmpty()) {
      return "is empty";
    }
    if (value.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      return "holds more than one word or line";
    }
    return null;
  }
}
