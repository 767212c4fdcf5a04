package io.baton.agent.collect;

/**
 * Reads the chips of this node. Implementations run a vendor tool and hand its output to a pure
 * parser; the parsers are what the tests exercise with captured output.
 */
public interface Collector {

  Vendor vendor();

  /** Collects once; never returns a partial snapshot. */
  ChipSnapshot collect() throws CollectException;
}
