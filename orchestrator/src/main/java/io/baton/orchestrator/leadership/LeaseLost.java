package io.baton.orchestrator.leadership;

/**
 * A write of a loop this replica owned was refused because another replica took the lease over (or
 * it expired): the write is rolled back and the loop stops acting until it leads again.
 */
public class LeaseLost extends RuntimeException {

  private final transient Fence fence;

  public LeaseLost(Fence fence) {
    super(
        "lease "
            + fence.lease()
            + " is no longer held by "
            + fence.holder()
            + " with token "
            + fence.token()
            + "; write refused");
    this.fence = fence;
  }

  public Fence fence() {
    return fence;
  }
}
