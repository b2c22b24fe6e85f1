package io.llmgate.cluster;

/**
 * The Redis keys of a cluster, all under {@code llmgate:}. User ids are embedded as they are: a key is
 * binary-safe, and the prefix of each kind ends in a separator no other kind uses.
 */
final class ClusterKeys {
  static final String NODES = "llmgate:nodes";
  static final String NODE_PREFIX = "llmgate:node:";

  private ClusterKeys() {}

  static String rate(String user) {
    return "llmgate:rate:" + user;
  }

  static String slots(String user) {
    return "llmgate:slots:" + user;
  }

  static final String CANCEL_PREFIX = "llmgate:cancel:";

  static String cancelChannel(String nodeId) {
    return CANCEL_PREFIX + nodeId;
  }

  /** Cancels sent to a node while it was not subscribed, for it to apply when it subscribes again. */
  static final String PENDING_CANCELS_PREFIX = "llmgate:pending-cancels:";

  static String node(String nodeId) {
    return NODE_PREFIX + nodeId;
  }

  /**
   * One stream's replay log (a Redis Stream). The user's length goes first, so that no (user, session id)
   * pair can spell another's key whatever colons either contains.
   */
  static String replay(String user, String sessionId) {
    return "llmgate:replay:" + user.length() + ":" + user + ":" + sessionId;
  }

  /** The id of the node that runs (or ran) the stream of {@link #replay}: a resumer checks it is alive. */
  static String replayOwner(String user, String sessionId) {
    return "llmgate:replay-owner:" + user.length() + ":" + user + ":" + sessionId;
  }
}
