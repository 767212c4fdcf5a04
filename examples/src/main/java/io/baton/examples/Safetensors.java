package io.baton.examples;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The safetensors file format, F32 tensors only: an 8-byte little-endian header length, a JSON
 * header ({@code name -> {dtype, shape, data_offsets}} plus an optional string-to-string {@code
 * __metadata__}), then the little-endian tensor bytes. Reading validates what the format promises
 * (offsets in bounds, contiguous, covering the whole buffer) so a truncated or corrupt file is
 * refused rather than served.
 */
final class Safetensors {

  static final String METADATA = "__metadata__";
  private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private Safetensors() {}

  /** One F32 tensor. */
  record Tensor(int[] shape, float[] data) {
    Tensor {
      if (Arrays.stream(shape).asLongStream().reduce(1, Math::multiplyExact) != data.length) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " vs " + data.length);
      }
    }
  }

  /** A whole file: tensors in file order, and the metadata. */
  record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    Contents {
      tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
      metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
  }

  static byte[] encode(Contents contents) {
    ObjectNode header = Json.MAPPER.createObjectNode();
    ObjectNode metadata = header.putObject(METADATA);
    contents.metadata().forEach(metadata::put);
    long offset = 0;
    for (Map.Entry<String, Tensor> entry : contents.tensors().entrySet()) {
      ObjectNode info = header.putObject(entry.getKey());
      info.put("dtype", "F32");
      ArrayNode shape = info.putArray("shape");
      Arrays.stream(entry.getValue().shape()).forEach(shape::add);
      long end = offset + 4L * entry.getValue().data().length;
      info.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = Json.MAPPER.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset));
    buffer.order(ByteOrder.LITTLE_ENDIAN).putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) {
      buffer.put((byte) ' ');
    }
    for (Tensor tensor : contents.tensors().values()) {
      for (float value : tensor.data()) {
        buffer.putFloat(value);
      }
    }
    return buffer.array();
  }

  static Contents decode(byte[] bytes) {
    if (bytes.length < 8) {
      throw DemoException.checkpoint("file has " + bytes.length + " bytes, shorter than a header");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = buffer.getLong();
    if (headerLength <= 1 || headerLength > MAX_HEADER_BYTES || headerLength > bytes.length - 8) {
      throw DemoException.checkpoint(
          "header length " + headerLength + " does not fit a file of " + bytes.length + " bytes");
    }
    JsonNode header = parseHeader(bytes, (int) headerLength);
    Map<String, String> metadata = metadata(header.get(METADATA));
    int dataStart = 8 + (int) headerLength;
    long dataLength = bytes.length - (long) dataStart;
    List<Map.Entry<String, long[]>> spans = new ArrayList<>();
    Map<String, int[]> shapes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : header.properties()) {
      if (!entry.getKey().equals(METADATA)) {
        long[] span = tensorSpan(entry.getKey(), entry.getValue(), dataLength, shapes);
        spans.add(Map.entry(entry.getKey(), span));
      }
    }
    spans.sort((a, b) -> Long.compare(a.getValue()[0], b.getValue()[0]));
    long expected = 0;
    for (Map.Entry<String, long[]> span : spans) {
      if (span.getValue()[0] != expected) {
        throw DemoException.checkpoint("tensor '" + span.getKey() + "' overlaps or leaves a gap");
      }
      expected = span.getValue()[1];
    }
    if (expected != dataLength) {
      throw DemoException.checkpoint(
          "tensors cover " + expected + " bytes but the data section has " + dataLength);
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> span : spans) {
      int start = dataStart + (int) span.getValue()[0];
      float[] data = new float[(int) ((span.getValue()[1] - span.getValue()[0]) / 4)];
      ByteBuffer slice = ByteBuffer.wrap(bytes, start, data.length * 4);
      slice.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
      tensors.put(span.getKey(), new Tensor(shapes.get(span.getKey()), data));
    }
    return new Contents(tensors, metadata);
  }

  private static JsonNode parseHeader(byte[] bytes, int length) {
    String text = new String(bytes, 8, length, StandardCharsets.UTF_8);
    if (!text.startsWith("{")) {
      throw DemoException.checkpoint("header does not start with '{'");
    }
    try {
      JsonNode header = Json.MAPPER.readTree(text);
      if (!header.isObject()) {
        throw DemoException.checkpoint("header is not a JSON object");
      }
      return header;
    } catch (JacksonException e) {
      throw DemoException.checkpoint("header is not valid JSON");
    }
  }

  private static Map<String, String> metadata(JsonNode node) {
    Map<String, String> metadata = new LinkedHashMap<>();
    if (node == null) {
      return metadata;
    }
    if (!node.isObject()) {
      throw DemoException.checkpoint("__metadata__ is not an object");
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isString()) {
        throw DemoException.checkpoint("__metadata__." + entry.getKey() + " is not a string");
      }
      metadata.put(entry.getKey(), entry.getValue().asString());
    }
    return metadata;
  }

  private static long[] tensorSpan(
      String name, JsonNode info, long dataLength, Map<String, int[]> shapes) {
    if (!info.isObject() || !"F32".equals(info.path("dtype").asString(""))) {
      throw DemoException.checkpoint("tensor '" + name + "' is not F32");
    }
    JsonNode shapeNode = info.get("shape");
    JsonNode offsets = info.get("data_offsets");
    if (shapeNode == null || !shapeNode.isArray() || offsets == null || offsets.size() != 2) {
      throw DemoException.checkpoint("tensor '" + name + "' needs shape and data_offsets [a, b]");
    }
    int[] shape = new int[shapeNode.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode dim = shapeNode.get(i);
      if (!dim.isIntegralNumber() || !dim.canConvertToInt() || dim.intValue() < 0) {
        throw DemoException.checkpoint("tensor '" + name + "' has a bad shape");
      }
      shape[i] = dim.intValue();
      elements *= shape[i];
      if (elements > dataLength) {
        throw DemoException.checkpoint("tensor '" + name + "' is larger than the data section");
      }
    }
    long start = offsets.get(0).isIntegralNumber() ? offsets.get(0).asLong() : -1;
    long end = offsets.get(1).isIntegralNumber() ? offsets.get(1).asLong() : -1;
    if (start < 0 || end < start || end > dataLength || end - start != 4 * elements) {
      throw DemoException.checkpoint(
          "tensor '" + name + "' has data_offsets outside the data or not matching its shape");
    }
    shapes.put(name, shape);
    return new long[] {start, end};
  }
}
