package io.baton.agent.cli;

import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The collectors {@code --collector} selects, by the names users type. */
public enum CollectorKind {
  NPU_SMI("npu-smi"),
  NVIDIA_SMI("nvidia-smi"),
  SIM("sim");

  private final String flag;

  CollectorKind(String flag) {
    this.flag = flag;
  }

  public String flag() {
    return flag;
  }

  /** Converts {@code npu-smi} and friends. */
  public static final class Converter implements ITypeConverter<CollectorKind> {
    @Override
    public CollectorKind convert(String value) {
      return Arrays.stream(values())
          .filter(k -> k.flag.equals(value))
          .findFirst()
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "'" + value + "' is not a collector: use npu-smi, nvidia-smi or sim"));
    }
  }

  /** For {@code ${COMPLETION-CANDIDATES}} in help. */
  public static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(values()).map(CollectorKind::flag).iterator();
    }
  }
}
