package io.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

  @TempDir Path dir;

  @Test
  void roundTripsTensorsAndMetadataInTheStandardLayout() {
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    tensors.put("weight", new Safetensors.Tensor(new int[] {1, 3}, new float[] {1.5f, -2f, 1e-7f}));
    tensors.put("bias", new Safetensors.Tensor(new int[] {1}, new float[] {0.25f}));
    Safetensors.Contents contents = new Safetensors.Contents(tensors, Map.of("step", "7"));

    byte[] bytes = Safetensors.encode(contents);
    Safetensors.Contents back = Safetensors.decode(bytes);

    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = buffer.getLong();
    assertThat(headerLength % 8).isZero();
    assertThat(bytes.length).isEqualTo(8 + headerLength + 16);
    assertThat(buffer.getFloat((int) (8 + headerLength))).isEqualTo(1.5f);
    String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
    assertThat(header)
        .startsWith("{\"__metadata__\":{\"step\":\"7\"}")
        .contains("\"weight\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[0,12]}")
        .contains("\"bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}");
    assertThat(back.metadata()).isEqualTo(Map.of("step", "7"));
    assertThat(back.tensors().get("weight").shape()).containsExactly(1, 3);
    assertThat(back.tensors().get("weight").data()).containsExactly(1.5f, -2f, 1e-7f);
    assertThat(back.tensors().get("bias").data()).containsExactly(0.25f);
  }

  @Test
  void readsAFileWrittenByAnotherToolWithoutMetadataOrPadding() throws Exception {
    String header =
        "{\"bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
            + "\"weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + 12).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json).putFloat(2f).putFloat(-1f).putFloat(0.5f);
    Path file = Files.write(dir.resolve("model.safetensors"), buffer.array());

    Checkpoints.LoadedModel loaded = Checkpoints.loadModel(file);

    assertThat(loaded.step()).isNull();
    assertThat(loaded.model().weight()).containsExactly(2f, -1f);
    assertThat(loaded.model().bias()).isEqualTo(0.5f);
    assertThat(loaded.model().probability(new float[] {0f, 0f}))
        .isEqualTo(LogisticModel.sigmoid(0.5));
  }

  @Test
  void refusesTruncatedAndCorruptFiles() {
    byte[] good =
        Safetensors.encode(
            Checkpoints.contents(new LogisticModel(new float[] {1f, 2f}, 3f), 5, config()));

    assertRefused(Arrays.copyOf(good, good.length - 1), "outside the data");
    assertRefused(Arrays.copyOf(good, good.length + 4), "data section");
    assertRefused(Arrays.copyOf(good, 5), "shorter than a header");
    assertRefused(Arrays.copyOf(good, 40), "does not fit");
    assertRefused(withHeaderLength(good, 1L << 40), "does not fit");
    assertRefused(replace(good, "\"F32\"", "\"F16\""), "is not F32");
    assertRefused(replace(good, "[0,8]", "[0,4]"), "not matching its shape");
    assertRefused(replace(good, "[8,12]", "[4, 8]"), "overlaps");
    assertRefused(replace(good, "{\"__metadata__\"", "[\"__metadata__\""), "start with '{'");
    assertRefused(replace(good, "\"5\"", "  5"), "not a string");
    assertRefused(replace(good, "\"bias\":{", "\"bias\"x{"), "not valid JSON");
  }

  @Test
  void aCheckpointWithTheWrongTensorsIsNotAModel() throws Exception {
    Map<String, Safetensors.Tensor> tensors =
        Map.of("w", new Safetensors.Tensor(new int[] {2}, new float[2]));
    Path file =
        Files.write(
            dir.resolve("model.safetensors"),
            Safetensors.encode(new Safetensors.Contents(tensors, Map.of())));

    assertThatThrownBy(() -> Checkpoints.loadModel(file))
        .isInstanceOf(DemoException.class)
        .hasMessageContaining("does not hold weight [1, n] and bias [1]");
  }

  private static void assertRefused(byte[] bytes, String reason) {
    assertThatThrownBy(() -> Safetensors.decode(bytes))
        .isInstanceOf(DemoException.class)
        .hasMessageContaining(reason)
        .extracting(e -> ((DemoException) e).kind())
        .isEqualTo(DemoException.Kind.CHECKPOINT);
  }

  private static byte[] withHeaderLength(byte[] bytes, long length) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
    return copy;
  }

  /** Replaces text inside the header, keeping its length so the rest of the file stays put. */
  private static byte[] replace(byte[] bytes, String from, String to) {
    assertThat(to).hasSameSizeAs(from);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    assertThat(text).contains(from);
    return text.replaceFirst(java.util.regex.Pattern.quote(from), to)
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static TrainConfig config() {
    return TrainConfig.from(Map.of(), java.util.List.of("--features", "2"));
  }
}
