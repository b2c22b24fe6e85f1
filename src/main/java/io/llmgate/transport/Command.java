package io.llmgate.transport;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a client asks about a stream, and the event that acknowledges each (protocol.md, client → server),
 * named here once for every transport; what the server tells about a stream is {@code StreamEvent.Kind}.
 */
public enum Command {
  CHAT("llm:chat:stream"),
  CANCEL("llm:stream:cancel"),
  RESUME("llm:stream:resume");

  private final String eventName;
  private final String acknowledgedName;

  Command(String eventName) {
    this.eventName = eventName;
    this.acknowledgedName = eventName + ":acknowledged";
  }

  public String eventName() {
    return eventName;
  }

  /** The event that answers it when it succeeds ({@code llm:stream:error} when it does not). */
  public String acknowledgedName() {
    return acknowledgedName;
  }

  public static Optional<Command> named(String eventName) {
    return Arrays.stream(values()).filter(command -> command.eventName.equals(eventName)).findFirst();
  }

  /** The commands' names as an error lists them: "a, b or c". */
  public static String expected() {
    return CHAT.eventName + ", " + CANCEL.eventName + " or " + RESUME.eventName;
  }
}
