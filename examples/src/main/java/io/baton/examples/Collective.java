package io.baton.examples;

/**
 * How the ranks of one job combine values, in the spirit of HCCL/NCCL: a broadcast from rank 0 at
 * the start and an all-reduce (sum) every step. Every call blocks until all ranks took part; a rank
 * that dies or hangs makes the others fail with a {@link DemoException.Kind#PEER} error.
 */
interface Collective extends AutoCloseable {

  /** Rank 0 passes the value and gets it back; every other rank gets rank 0's value. */
  double[] broadcast(double[] fromRankZero);

  /** The element-wise sum, over all ranks, of each rank's {@code local} for {@code step}. */
  double[] allReduceSum(int step, double[] local);

  @Override
  void close();

  static Collective open(TrainConfig config) {
    return config.worldSize() == 1 ? new Solo() : TcpCollective.open(config);
  }

  /** The world of one. */
  final class Solo implements Collective {
    @Override
    public double[] broadcast(double[] fromRankZero) {
      return fromRankZero;
    }

    @Override
    public double[] allReduceSum(int step, double[] local) {
      return local;
    }

    @Override
    public void close() {}
  }
}
