package io.llmgate.stream;

import io.llmgate.error.ErrorCode;
import java.util.List;

/** Several listeners behind one, so a stream calls one object whatever is observing it. */
final class CompositeStreamListener implements StreamListener {
  private final List<StreamListener> listeners;

  CompositeStreamListener(List<StreamListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public StreamListener forStream(StreamInfo stream) {
    return new CompositeStreamListener(listeners.stream().map(listener -> listener.forStream(stream)).toList());
  }

  @Override
  public void accepted(StreamInfo stream) {
    listeners.forEach(l -> l.accepted(stream));
  }

  @Override
  public void sent(StreamInfo stream, StreamEvent event, long relayNanos) {
    for (StreamListener listener : listeners) {
      listener.sent(stream, event, relayNanos);
    }
  }

  @Override
  public void closed(StreamInfo stream, StreamEvent finalEvent) {
    listeners.forEach(l -> l.closed(stream, finalEvent));
  }

  @Override
  public void retried(StreamInfo stream, String provider, ErrorCode code) {
    listeners.forEach(l -> l.retried(stream, provider, code));
  }

  @Override
  public void fellBack(StreamInfo stream, String from, String to, ErrorCode code) {
    listeners.forEach(l -> l.fellBack(stream, from, to, code));
  }

  @Override
  public void upstreamClosed(StreamInfo stream, long cancelToCloseNanos) {
    listeners.forEach(l -> l.upstreamClosed(stream, cancelToCloseNanos));
  }

  @Override
  public void refused(String transport, ErrorCode code) {
    listeners.forEach(l -> l.refused(transport, code));
  }

  @Override
  public void detached(StreamInfo stream) {
    listeners.forEach(l -> l.detached(stream));
  }

  @Override
  public void resumed(StreamInfo stream, boolean fromDetached, long latencyNanos) {
    listeners.forEach(l -> l.resumed(stream, fromDetached, latencyNanos));
  }

  @Override
  public void expired(StreamInfo stream, long detachedNanos) {
    listeners.forEach(l -> l.expired(stream, detachedNanos));
  }
}
