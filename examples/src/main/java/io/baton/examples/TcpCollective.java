package io.baton.examples;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A star-shaped collective over TCP: rank 0 listens on {@code MASTER_ADDR:MASTER_PORT}, the others
 * connect to it (retrying while rank 0 is not up yet). Each step every rank sends its vector to
 * rank 0, which adds them in rank order and sends the sum back, so all ranks apply the very same
 * update.
 *
 * <p>Wire format (big-endian, {@link DataOutputStream}): a hello {@code int magic, int version, UTF
 * jobId, int rank, int worldSize, long fingerprint}, then frames {@code int step, int length,
 * double[length]}; the broadcast is frame step 0.
 */
final class TcpCollective {

  static final int MAGIC = 0x4241544E;
  static final int VERSION = 1;
  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
  private static final long RETRY_MILLIS = 250;

  private TcpCollective() {}

  static Collective open(TrainConfig config) {
    return config.isRankZero() ? Hub.rendezvous(config, System.err) : Spoke.connect(config);
  }

  /** One open connection with framed reads and writes. */
  private record Link(int peerRank, Socket socket, DataInputStream in, DataOutputStream out) {

    static Link of(int peerRank, Socket socket) throws IOException {
      socket.setTcpNoDelay(true);
      return new Link(
          peerRank,
          socket,
          new DataInputStream(new BufferedInputStream(socket.getInputStream())),
          new DataOutputStream(new BufferedOutputStream(socket.getOutputStream())));
    }

    void send(int step, double[] values) throws IOException {
      out.writeInt(step);
      out.writeInt(values.length);
      for (double value : values) {
        out.writeDouble(value);
      }
      out.flush();
    }

    double[] receive(int step, int expectedLength) throws IOException {
      int got = in.readInt();
      int length = in.readInt();
      if (got != step || (expectedLength >= 0 && length != expectedLength) || length < 0) {
        throw new IOException("out of step: expected step " + step + ", got " + got);
      }
      double[] values = new double[length];
      for (int i = 0; i < length; i++) {
        values[i] = in.readDouble();
      }
      return values;
    }

    void close() {
      closeQuietly(socket);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // the connection is being abandoned either way
    }
  }

  private static DemoException lost(int rank, int step, IOException e, Duration timeout) {
    String why =
        e instanceof SocketTimeoutException
            ? "no message within " + timeout.toMillis() + " ms"
            : e instanceof EOFException ? "connection closed" : e.getMessage();
    return DemoException.peer("lost rank " + rank + " at step " + step + ": " + why);
  }

  /** Rank 0. */
  private static final class Hub implements Collective {
    private final TrainConfig config;
    private final Link[] links;

    private Hub(TrainConfig config, Link[] links) {
      this.config = config;
      this.links = links;
    }

    static Hub rendezvous(TrainConfig config, PrintStream log) {
      Link[] links = new Link[config.worldSize()];
      long deadline = System.nanoTime() + config.rendezvousTimeout().toNanos();
      try (ServerSocket server = listen(config, log)) {
        int connected = 0;
        while (connected < config.worldSize() - 1) {
          long left = (deadline - System.nanoTime()) / 1_000_000;
          if (left <= 0) {
            throw new SocketTimeoutException();
          }
          server.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
          Socket socket = server.accept();
          Link link = greet(socket, config);
          if (link != null) {
            if (links[link.peerRank()] == null) {
              connected++;
            } else {
              links[link.peerRank()].close();
            }
            links[link.peerRank()] = link;
            socket.setSoTimeout((int) config.peerTimeout().toMillis());
          }
        }
        return new Hub(config, links);
      } catch (SocketTimeoutException e) {
        closeAll(links);
        throw DemoException.peer(
            "rendezvous: ranks "
                + missing(links)
                + " did not connect within "
                + config.rendezvousTimeout().toSeconds()
                + " s");
      } catch (IOException e) {
        closeAll(links);
        throw DemoException.peer("rendezvous failed: " + e.getMessage());
      } catch (RuntimeException e) {
        closeAll(links);
        throw e;
      }
    }

    private static List<Integer> missing(Link[] links) {
      return IntStream.range(1, links.length).filter(r -> links[r] == null).boxed().toList();
    }

    private static ServerSocket listen(TrainConfig config, PrintStream log) throws IOException {
      InetAddress address = InetAddress.getByName(config.masterAddr());
      if (!address.isLoopbackAddress()
          && !address.isAnyLocalAddress()
          && NetworkInterface.getByInetAddress(address) == null) {
        log.println(
            "baton-demo: MASTER_ADDR " + address + " is not local to rank 0; listening on all");
        address = null;
      }
      ServerSocket server = new ServerSocket();
      try {
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(address, config.masterPort()), config.worldSize());
        return server;
      } catch (BindException e) {
        server.close();
        throw new IOException("cannot listen on " + config.masterPort() + ": " + e.getMessage());
      }
    }

    /** The peer's link, or null for a stray connection (not our protocol). */
    private static Link greet(Socket socket, TrainConfig config) throws IOException {
      socket.setSoTimeout((int) HELLO_TIMEOUT.toMillis());
      int rank;
      Link link = Link.of(-1, socket);
      try {
        if (link.in().readInt() != MAGIC || link.in().readInt() != VERSION) {
          link.close();
          return null;
        }
        String jobId = link.in().readUTF();
        rank = link.in().readInt();
        int worldSize = link.in().readInt();
        long fingerprint = link.in().readLong();
        String mismatch =
            !jobId.equals(config.jobId())
                ? "is from job '" + jobId + "', not '" + config.jobId() + "'"
                : worldSize != config.worldSize() || rank <= 0 || rank >= worldSize
                    ? "claims rank " + rank + " of world size " + worldSize
                    : fingerprint != config.fingerprint()
                        ? "was started with other --steps/--batch/--lr/--seed/--features"
                        : null;
        if (mismatch != null) {
          link.close();
          throw DemoException.peer("rendezvous: a peer " + mismatch + "; refusing to train");
        }
      } catch (IOException e) {
        link.close();
        return null;
      }
      return new Link(rank, socket, link.in(), link.out());
    }

    @Override
    public double[] broadcast(double[] fromRankZero) {
      for (int r = 1; r < links.length; r++) {
        try {
          links[r].send(0, fromRankZero);
        } catch (IOException e) {
          throw lost(r, 0, e, config.peerTimeout());
        }
      }
      return fromRankZero;
    }

    @Override
    public double[] allReduceSum(int step, double[] local) {
      double[] sum = local.clone();
      for (int r = 1; r < links.length; r++) {
        try {
          double[] theirs = links[r].receive(step, local.length);
          for (int i = 0; i < sum.length; i++) {
            sum[i] += theirs[i];
          }
        } catch (IOException e) {
          throw lost(r, step, e, config.peerTimeout());
        }
      }
      for (int r = 1; r < links.length; r++) {
        try {
          links[r].send(step, sum);
        } catch (IOException e) {
          throw lost(r, step, e, config.peerTimeout());
        }
      }
      return sum;
    }

    @Override
    public void close() {
      closeAll(links);
    }

    private static void closeAll(Link[] links) {
      for (Link link : links) {
        if (link != null) {
          link.close();
        }
      }
    }
  }

  /** Every rank but 0. */
  private static final class Spoke implements Collective {
    private final TrainConfig config;
    private final Link link;

    private Spoke(TrainConfig config, Link link) {
      this.config = config;
      this.link = link;
    }

    static Spoke connect(TrainConfig config) {
      long deadline = System.nanoTime() + config.rendezvousTimeout().toNanos();
      IOException last = null;
      while (System.nanoTime() < deadline) {
        Socket socket = new Socket();
        try {
          socket.connect(new InetSocketAddress(config.masterAddr(), config.masterPort()), 2000);
          Link link = Link.of(0, socket);
          link.out().writeInt(MAGIC);
          link.out().writeInt(VERSION);
          link.out().writeUTF(config.jobId());
          link.out().writeInt(config.rank());
          link.out().writeInt(config.worldSize());
          link.out().writeLong(config.fingerprint());
          link.out().flush();
          socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
          return new Spoke(config, link);
        } catch (IOException e) {
          last = e;
          closeQuietly(socket);
          try {
            Thread.sleep(RETRY_MILLIS);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      throw DemoException.peer(
          "rendezvous: rank 0 at "
              + config.masterAddr()
              + ":"
              + config.masterPort()
              + " not reachable within "
              + config.rendezvousTimeout().toSeconds()
              + " s"
              + (last == null ? "" : " (" + last.getMessage() + ")"));
    }

    @Override
    public double[] broadcast(double[] ignored) {
      try {
        double[] state = link.receive(0, -1);
        link.socket().setSoTimeout((int) config.peerTimeout().toMillis());
        return state;
      } catch (SocketTimeoutException e) {
        throw DemoException.peer("rendezvous: rank 0 did not start the job in time");
      } catch (EOFException e) {
        throw DemoException.peer("rendezvous: rank 0 closed the connection before the first step");
      } catch (IOException e) {
        throw lost(0, 0, e, config.peerTimeout());
      }
    }

    @Override
    public double[] allReduceSum(int step, double[] local) {
      try {
        link.send(step, local);
        return link.receive(step, local.length);
      } catch (IOException e) {
        throw lost(0, step, e, config.peerTimeout());
      }
    }

    @Override
    public void close() {
      link.close();
    }
  }
}
