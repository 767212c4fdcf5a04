package io.baton.agent.simulate;

/**
 * How the simulator's reports get to the orchestrator. {@link #submit} and {@link #await} are
 * called by the ticker thread only; {@link #wakeup} by any thread.
 */
interface Transport extends AutoCloseable {

  /** The simulator's side: what to send, and what became of it. */
  interface Reports {

    /**
     * Writes the request for a report, head and body, to {@code request}; {@code body} is scratch.
     */
    void writeRequest(Due report, ByteSink body, ByteSink request);

    /** The answer to a report arrived (error null, any status), or the report failed (error). */
    void done(Due report, int status, Throwable error);
  }

  /** Sends the report now, or as soon as a connection is free. */
  void submit(Due report);

  /**
   * Waits up to {@code nanos}, handling the answers that arrive; returns early on {@link #wakeup}.
   */
  void await(long nanos) throws InterruptedException;

  void wakeup();

  /** Stops sending; reports still queued or on the wire are abandoned. */
  @Override
  void close();
}
