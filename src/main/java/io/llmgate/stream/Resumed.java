package io.llmgate.stream;

import java.time.Instant;

/**
 * The reply to an accepted {@code llm:stream:resume}: {@code replayed} kept events follow (those after
 * {@code lastIndex}), then live ones while {@code live}; otherwise the replay ends with the final event.
 */
public record Resumed(String sessionId, long lastIndex, int replayed, boolean live, Instant timestamp) {}
