package io.llmgate.transport.web;

import io.llmgate.config.SecurityConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * The browser pages allowed to use llmgate, judged by the {@code Origin} header that browsers send with
 * every WebSocket handshake, cross-origin fetch and POST, and that a page's script cannot set. A request
 * without one does not come from a page's script (curl, the SDKs, other servers) and is allowed: its token,
 * not its origin, is what admits it. Allowed are the gateway's own origin, the configured
 * {@code security.allowed-origins}, and in dev mode any page on this machine (localhost).
 */
public final class BrowserOrigins {
  private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "::1");

  private final Set<String> listed;
  private final boolean anyOrigin;
  private final boolean localPages;

  /** {@code devMode}: no secret was configured, so this run serves only its own developer. */
  public BrowserOrigins(SecurityConfig config, boolean devMode) {
    this.listed = Set.copyOf(config.allowedOrigins());
    this.anyOrigin = listed.contains(SecurityConfig.ANY_ORIGIN);
    this.localPages = devMode;
  }

  /** False only for a browser page whose origin is not allowed. */
  public boolean allows(HttpServerRequest request) {
    return allows(request.getHeader(HttpHeaders.ORIGIN), request.authority());
  }

  /** Whether a page of {@code origin} (null: no page) may call the gateway it reached as {@code authority}. */
  boolean allows(String origin, HostAndPort authority) {
    return origin == null || sameOrigin(origin, authority) || allowsOther(origin);
  }

  /** True for a page of another origin (allowed or not): only its requests need CORS headers. */
  boolean isCrossOrigin(HttpServerRequest request) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    return origin != null && !sameOrigin(origin, request.authority());
  }

  private boolean allowsOther(String origin) {
    if (anyOrigin || listed.contains(origin.toLowerCase(Locale.ROOT))) {
      return true;
    }
    URI page = parse(origin);
    return localPages && page != null && LOCAL_HOSTS.contains(host(page.getHost()));
  }

  /**
   * The page's host and port are the ones the request was sent to (its Host header), as gorilla/websocket
   * checks it: a TLS-terminating proxy in front changes the scheme the gateway sees, not the Host. An
   * Origin without a port has its scheme's default port, and so has a Host without one.
   */
  private static boolean sameOrigin(String origin, HostAndPort authority) {
    URI page = parse(origin);
    if (page == null || authority == null) {
      return false;
    }
    int defaultPort = "https".equals(page.getScheme()) ? 443 : 80;
    int pagePort = page.getPort() >= 0 ? page.getPort() : defaultPort;
    int hostPort = authority.port() >= 0 ? authority.port() : defaultPort;
    return host(page.getHost()).equals(host(authority.host())) && pagePort == hostPort;
  }

  /** An http(s) origin, or null for anything else ({@code null}, {@code file://}, garbage). */
  private static URI parse(String origin) {
    try {
      URI uri = new URI(origin.toLowerCase(Locale.ROOT));
      boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      return web && uri.getHost() != null ? uri : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** IPv6 hosts without their brackets, which URI keeps and a Host header may not. */
  private static String host(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
  }
}
