package io.llmgate.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.stream.StreamEvent;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryReplayStoreTest {
  private final AtomicLong clock = new AtomicLong();

  @Test
  void aStreamKeepsItsNewestEventsAndSaysWhenOlderOnesAreGone() {
    InMemoryReplayStore store = new InMemoryReplayStore(Duration.ofMinutes(5), 3, 1000, clock::get);
    record(store, "alice", "s1", 6, true);

    assertThat(indexes(store.eventsAfter("alice", "s1", 2))).containsExactly(3L, 4L, 5L);
    assertThat(store.eventsAfter("alice", "s1", 2).result()).last().isInstanceOf(StreamEvent.Cancelled.class);
    assertGap(store.eventsAfter("alice", "s1", 1), "lastIndex: 1 (expected: >= 2; events 2 to 2 of this stream");
    assertGap(store.eventsAfter("alice", "s1", -1), "lastIndex: -1 (expected: >= 2; events 0 to 2 of this stream");
    assertThat(store.events()).isEqualTo(5); // start, three tokens, cancelled
  }

  @Test
  void aStreamKeepsAtMostItsCharactersButAlwaysItsNewestEvent() {
    InMemoryReplayStore store = new InMemoryReplayStore(Duration.ofMinutes(5), 1000, 20, 100_000, clock::get);
    ReplayStore.Recording recording = store.begin("alice", "s1");
    Instant now = Instant.now();
    for (int i = 0; i < 1000; i++) {
      recording.append(new StreamEvent.Token("s1", "tok-" + (1000 + i) + ",,", i, now)); // ten characters each
      assertThat(recording.full()).isEqualTo(i >= 1);
    }

    assertThat(store.eventsAfter("alice", "s1", 997).result()).extracting(e -> ((StreamEvent.Token) e).token())
        .containsExactly("tok-1998,,", "tok-1999,,");
    assertGap(store.eventsAfter("alice", "s1", 996), "lastIndex: 996 (expected: >= 997;");
    assertThat(store.events()).isEqualTo(2);

    recording.append(new StreamEvent.Token("s1", "x".repeat(100), 1000, now));
    assertThat(indexes(store.eventsAfter("alice", "s1", 999))).as("one event over the cap stays").containsExactly(1000L);
  }

  @Test
  void allStreamsTogetherStayWithinTheTotalByEvictingTheOldest() {
    InMemoryReplayStore store = new InMemoryReplayStore(Duration.ofMinutes(5), 100, 20, clock::get);
    for (int i = 0; i < 5; i++) {
      record(store, "alice", "s" + i, 5, true); // 7 events each
    }

    assertThat(store.events()).isLessThanOrEqualTo(20);
    assertThat(store.streams()).isEqualTo(2);
    assertNotFound(store.eventsAfter("alice", "s2", -1), "sessionId: \"s2\" has no stream to resume");
    assertThat(store.eventsAfter("alice", "s4", -1).result()).hasSize(7);
  }

  @Test
  void endedStreamsExpireInTheOrderTheyEndedAndRunningOnesStay() {
    InMemoryReplayStore store = new InMemoryReplayStore(Duration.ofSeconds(10), 100, 1000, clock::get);
    record(store, "alice", "running", 2, false);
    record(store, "alice", "old", 2, true);
    clock.addAndGet(Duration.ofSeconds(5).toNanos());
    record(store, "bob", "new", 2, true);
    clock.addAndGet(Duration.ofSeconds(5).toNanos());

    assertNotFound(store.eventsAfter("alice", "old", -1), "sessionId: \"old\"");
    assertThat(store.eventsAfter("bob", "new", -1).succeeded()).isTrue();
    assertThat(store.eventsAfter("alice", "running", -1).result()).hasSize(3);
    assertThat(store.streams()).isEqualTo(2);
  }

  @Test
  void aNewStreamUnderTheSameIdReplacesTheOldOneAndIdsArePerUser() {
    InMemoryReplayStore store = new InMemoryReplayStore(Duration.ofMinutes(5), 100, 1000, clock::get);
    record(store, "alice", "s1", 4, true);
    record(store, "alice", "s1", 1, false);

    assertThat(store.eventsAfter("alice", "s1", -1).result()).hasSize(2);
    assertNotFound(store.eventsAfter("bob", "s1", -1), "sessionId: \"s1\"");
    assertThat(store.events()).isEqualTo(2);
  }

  private static void record(InMemoryReplayStore store, String user, String id, int tokens, boolean end) {
    Instant now = Instant.now();
    ReplayStore.Recording recording = store.begin(user, id);
    recording.append(new StreamEvent.Started(id, "p", "m", now));
    for (int i = 0; i < tokens; i++) {
      recording.append(new StreamEvent.Token(id, "t" + i, i, now));
    }
    if (end) {
      recording.append(new StreamEvent.Cancelled(id, Optional.empty(), StreamEvent.CancelReason.CLIENT, now));
    }
  }

  private static List<Long> indexes(Future<List<StreamEvent>> events) {
    return events.result().stream().filter(e -> e instanceof StreamEvent.Token)
        .map(e -> ((StreamEvent.Token) e).index()).toList();
  }

  private static void assertGap(Future<List<StreamEvent>> events, String messageStart) {
    assertThat(events.failed()).isTrue();
    GatewayException failure = (GatewayException) events.cause();
    assertThat(failure.code()).isEqualTo(ErrorCode.RESUME_GAP);
    assertThat(failure.getMessage()).startsWith(messageStart);
  }

  private static void assertNotFound(Future<List<StreamEvent>> events, String messageStart) {
    assertThat(events.failed()).isTrue();
    GatewayException failure = (GatewayException) events.cause();
    assertThat(failure.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure.getMessage()).startsWith(messageStart);
  }
}
