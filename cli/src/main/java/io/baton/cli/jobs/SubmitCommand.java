package io.baton.cli.jobs;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.output.Format;
import io.baton.cli.watch.BarView;
import io.baton.cli.watch.JobWatcher;
import io.baton.cli.watch.LineView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code baton submit FILE [--wait] [--follow]}: a job spec from a JSON or YAML file, sent with an
 * {@code Idempotency-Key} derived from the file's bytes, so a retried CI step gets the same job
 * back instead of a second one.
 */
@Command(
    name = "submit",
    description = {
      "Submits the job spec in FILE (JSON or YAML; - for stdin).",
      "The Idempotency-Key is the SHA-256 of the file's content unless --idempotency-key is given:"
          + " submitting the same file again returns the same job (for 24 h at least).",
      "--wait waits for the job to end; --follow shows it as `baton watch` does. Both exit with"
          + " the job's outcome (0 SUCCEEDED, 10 FAILED, 11 CANCELLED)."
    })
public final class SubmitCommand extends Base {

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  @Parameters(paramLabel = "FILE", description = "the job spec, JSON or YAML")
  String file;

  @Option(names = "--wait", description = "wait until the job ends; exit with its outcome")
  boolean await;

  @Option(names = "--follow", description = "watch the job until it ends (as `baton watch`)")
  boolean follow;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "the Idempotency-Key to send (default: sha256-<hex of the file's SHA-256>)")
  String idempotencyKey;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = Waiting.class,
      description = "with --wait/--follow: give up after this long (90s, 10m, 2h), exit 7")
  Duration timeout;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      converter = Waiting.class,
      defaultValue = "1s",
      description = "with --wait/--follow: how often to poll (default: ${DEFAULT-VALUE})")
  Duration interval;

  @Override
  public Integer call() {
    byte[] bytes = read();
    JsonNode spec = parse(bytes);
    String key = idempotencyKey != null ? idempotencyKey : "sha256-" + sha256(bytes);
    HttpResponse<String> response =
        api().postForResponse("/api/v1/jobs", spec, Map.of("Idempotency-Key", key));
    JsonNode job = ApiClient.JSON.readTree(response.body());
    String id = job.path("id").asString();
    boolean replayed =
        response
            .headers()
            .firstValue("Idempotent-Replayed")
            .map("true"::equalsIgnoreCase)
            .orElse(false);
    if (!await && !follow) {
      out().object(job, JobViews.fields(job));
      if (replayed) {
        io().err().println("baton: already submitted with this Idempotency-Key: job " + id);
      }
      return ExitCodes.OK;
    }
    io().err().println((replayed ? "Already submitted: job " : "Submitted job ") + id);
    JobWatcher watcher = new JobWatcher(api(), interval, timeout);
    JsonNode last;
    if (follow) {
      last =
          watcher.follow(
              id,
              io().terminal() && format() == Format.table
                  ? new BarView(io().out(), io().columns())
                  : new LineView(io().out(), true));
    } else {
      last = watcher.follow(id, new LineView(io().err(), false));
      out().object(last, JobViews.fields(last));
    }
    return ExitCodes.ofJob(last.path("state").asString());
  }

  private byte[] read() {
    try {
      return file.equals("-") ? io().in().readAllBytes() : Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private JsonNode parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    try {
      if (text.stripLeading().startsWith("{")) {
        return ApiClient.JSON.readTree(text);
      }
      JsonNode spec = YAML.readTree(text);
      if (spec == null || !spec.isObject()) {
        throw new IllegalArgumentException(file + " holds no job spec (a JSON or YAML object)");
      }
      return spec;
    } catch (tools.jackson.core.JacksonException e) {
      throw new IllegalArgumentException(
          file + " is neither JSON nor YAML: " + e.getOriginalMessage(), e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
