package io.llmgate.stream;

import java.time.Instant;

/** The reply to an accepted {@code llm:chat:stream}: the stream will start. */
public record Acknowledged(String sessionId, String provider, Instant timestamp) {}
