package io.baton.orchestrator.persistence;

import java.nio.file.Path;

/** Another orchestrator process already owns the data directory. */
class DataDirInUseException extends RuntimeException {

  private final Path dataDir;
  private final String owner;

  DataDirInUseException(Path dataDir, String owner) {
    super(
        "Baton data directory "
            + dataDir
            + " is in use by another Baton instance ("
            + owner
            + "). Stop that instance, or point this one elsewhere with --baton.data-dir=DIR.");
    this.dataDir = dataDir;
    this.owner = owner;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String owner() {
    return owner;
  }
}
