package io.baton.orchestrator.cluster.local;

/** Another orchestrator on the local backend already uses this database. */
class AnotherInstanceOnDatabase extends RuntimeException {

  private final String database;

  AnotherInstanceOnDatabase(String database) {
    super(
        "Another Baton instance on the local backend is already using the database "
            + database
            + ". The local backend runs ranks as child processes of one orchestrator, so only one"
            + " instance may use a database.");
    this.database = database;
  }

  public String database() {
    return database;
  }
}
