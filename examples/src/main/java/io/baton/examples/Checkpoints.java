package io.baton.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;

/**
 * The checkpoint layout under {@code BATON_CHECKPOINT_DIR}, one directory per saved step:
 *
 * <ul>
 *   <li>{@code step-N/model.safetensors}: {@code weight} [1, features] and {@code bias} [1], F32,
 *       with {@code __metadata__} {@code step}, {@code features}, {@code seed}, {@code jobId};
 *   <li>{@code step-N/state.json}: the step, hyper-parameters, Adam moments and the model's sha256
 *       — all an exact resume needs besides the weights;
 *   <li>{@code step-N/golden.json}: 16 fixed inputs and this checkpoint's probabilities, in the
 *       request/response shape of {@code POST /v1/predict}, for the promotion parity gate.
 * </ul>
 *
 * A checkpoint is assembled in a hidden temporary directory and renamed into place, so a {@code
 * step-N} directory is either complete or absent.
 */
final class Checkpoints {

  static final String MODEL = "model.safetensors";
  static final String STATE = "state.json";
  static final String GOLDEN = "golden.json";
  private static final String TEMP_PREFIX = ".step-";

  private Checkpoints() {}

  /** What {@link #save} wrote; paths relative to the checkpoint directory. */
  record Saved(int step, String path, String golden, String sha256, long sizeBytes) {}

  /** {@code state.json}. */
  record StateFile(
      int step,
      int totalSteps,
      long seed,
      int batch,
      double lr,
      int features,
      String jobId,
      String modelSha256,
      String optimizer,
      double[] adamM,
      double[] adamV) {}

  /**
   * {@code golden.json}: {@code outputs[i][0]} is the probability the model gives {@code
   * inputs[i]}.
   */
  record Golden(int step, float[][] inputs, double[][] outputs) {}

  /**
   * A model file read and checked, as the server needs it.
   *
   * @param step from {@code __metadata__.step}; null for a file written by another tool
   */
  record LoadedModel(LogisticModel model, Integer step, String sha256, long sizeBytes) {}

  /** A checkpoint read back for resuming. */
  record Resumed(TrainState state, StateFile stateFile) {}

  static Saved save(Path root, TrainState state, TrainConfig config, float[][] goldenInputs) {
    int step = state.step();
    String name = "step-" + step;
    byte[] model = Safetensors.encode(contents(state.model(), step, config));
    String sha256 = sha256(model);
    StateFile stateFile =
        new StateFile(
            step,
            config.steps(),
            config.seed(),
            config.batch(),
            config.lr(),
            config.features(),
            config.jobId(),
            sha256,
            "adam",
            state.adam().m(),
            state.adam().v());
    double[][] outputs = new double[goldenInputs.length][];
    for (int i = 0; i < goldenInputs.length; i++) {
      outputs[i] = new double[] {state.model().probability(goldenInputs[i])};
    }
    try {
      Files.createDirectories(root);
      Path temp = Files.createTempDirectory(root, TEMP_PREFIX + step + ".tmp-");
      writeDurably(temp.resolve(MODEL), model);
      writeDurably(temp.resolve(STATE), Json.MAPPER.writeValueAsBytes(stateFile));
      writeDurably(
          temp.resolve(GOLDEN),
          Json.MAPPER.writeValueAsBytes(new Golden(step, goldenInputs, outputs)));
      readableByAll(temp);
      Path target = root.resolve(name);
      if (Files.exists(target)) {
        Path old = root.resolve(TEMP_PREFIX + step + ".old-" + System.nanoTime());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + root.resolve(name), e);
    }
    return new Saved(step, name + "/" + MODEL, name + "/" + GOLDEN, sha256, model.length);
  }

  static Resumed loadForResume(Path from, int features) {
    Path dir = Files.isDirectory(from) ? from : from.toAbsolutePath().getParent();
    LoadedModel loaded = loadModel(dir.resolve(MODEL));
    StateFile state;
    try {
      state = Json.MAPPER.readValue(Files.readAllBytes(dir.resolve(STATE)), StateFile.class);
    } catch (IOException | JacksonException e) {
      throw DemoException.checkpoint("cannot read " + dir.resolve(STATE) + ": " + e.getMessage());
    }
    int parameters = features + 1;
    if (loaded.step() == null
        || state.step() != loaded.step()
        || !loaded.sha256().equals(state.modelSha256())) {
      throw DemoException.checkpoint(dir + ": state.json does not belong to model.safetensors");
    }
    if (loaded.model().features() != features
        || state.adamM() == null
        || state.adamM().length != parameters
        || state.adamV() == null
        || state.adamV().length != parameters) {
      throw DemoException.checkpoint(dir + " does not fit a model of " + features + " features");
    }
    return new Resumed(
        new TrainState(state.step(), loaded.model(), new Adam.State(state.adamM(), state.adamV())),
        state);
  }

  /** Loads {@code model.safetensors}, given itself or its {@code step-N} directory. */
  static LoadedModel loadModel(Path fileOrDir) {
    Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(MODEL) : fileOrDir;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw DemoException.checkpoint("no checkpoint at " + file);
    } catch (IOException e) {
      throw DemoException.checkpoint("cannot read " + file + ": " + e.getMessage());
    }
    Safetensors.Contents contents;
    try {
      contents = Safetensors.decode(bytes);
    } catch (DemoException e) {
      throw DemoException.checkpoint(file + " is not a valid safetensors file: " + e.getMessage());
    }
    Safetensors.Tensor weight = contents.tensors().get("weight");
    Safetensors.Tensor bias = contents.tensors().get("bias");
    if (weight == null
        || bias == null
        || weight.shape().length != 2
        || weight.shape()[0] != 1
        || weight.shape()[1] < 1
        || bias.data().length != 1
        || bias.shape().length != 1) {
      throw DemoException.checkpoint(file + " does not hold weight [1, n] and bias [1]");
    }
    Integer step = null;
    String stepText = contents.metadata().get("step");
    try {
      step = stepText == null ? null : Integer.valueOf(stepText);
    } catch (NumberFormatException e) {
      throw DemoException.checkpoint(file + " has a __metadata__.step that is not an integer");
    }
    return new LoadedModel(
        new LogisticModel(weight.data(), bias.data()[0]), step, sha256(bytes), bytes.length);
  }

  static Safetensors.Contents contents(LogisticModel model, int step, TrainConfig config) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("step", Integer.toString(step));
    metadata.put("model", "logistic-regression");
    metadata.put("features", Integer.toString(model.features()));
    metadata.put("seed", Long.toString(config.seed()));
    metadata.put("jobId", config.jobId());
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    tensors.put("weight", new Safetensors.Tensor(new int[] {1, model.features()}, model.weight()));
    tensors.put("bias", new Safetensors.Tensor(new int[] {1}, new float[] {model.bias()}));
    return new Safetensors.Contents(tensors, metadata);
  }

  /** Removes temporary directories a crashed writer left behind. */
  static void removeLeftovers(Path root) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, TEMP_PREFIX + "*")) {
      for (Path entry : entries) {
        deleteTree(entry);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + root, e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeDurably(Path file, byte[] bytes) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  /** Temporary directories are created owner-only; a checkpoint is read by other processes. */
  private static void readableByAll(Path dir) throws IOException {
    if (Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
