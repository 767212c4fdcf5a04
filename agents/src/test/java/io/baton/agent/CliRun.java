package io.baton.agent;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs {@code baton-agent} in this JVM and keeps what it printed. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun of(String... args) {
    return withStdin("", args);
  }

  public static CliRun withStdin(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    int code = AgentMain.execute(in, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  public List<String> outLines() {
    return out.lines().toList();
  }
}
