package io.baton.orchestrator.cluster;

import io.baton.orchestrator.Decision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The environment every rank gets (the launch contract), and {@code $(VAR)} expansion of a command
 * from it, as Kubernetes does for container commands.
 */
@Decision
public final class LaunchContract {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private LaunchContract() {}

  /**
   * @param visibleChipsVariable {@code ASCEND_RT_VISIBLE_DEVICES} (training) or {@code
   *     CUDA_VISIBLE_DEVICES} (inference)
   */
  public static Map<String, String> env(
      UUID jobId,
      int attempt,
      int rank,
      int worldSize,
      String masterAddr,
      int masterPort,
      String progressFile,
      String checkpointDir,
      String resumeFrom,
      List<Integer> chips,
      String visibleChipsVariable,
      Map<String, String> extra) {
    Map<String, String> env = new LinkedHashMap<>(extra);
    env.put("BATON_JOB_ID", jobId.toString());
    env.put("BATON_ATTEMPT", Integer.toString(attempt));
    env.put("BATON_RANK", Integer.toString(rank));
    env.put("BATON_WORLD_SIZE", Integer.toString(worldSize));
    env.put("BATON_MASTER_ADDR", masterAddr);
    env.put("BATON_MASTER_PORT", Integer.toString(masterPort));
    env.put("BATON_PROGRESS_FILE", progressFile);
    env.put("BATON_CHECKPOINT_DIR", checkpointDir);
    env.put("BATON_RESUME_FROM", resumeFrom == null ? "" : resumeFrom);
    env.put("RANK", Integer.toString(rank));
    env.put("WORLD_SIZE", Integer.toString(worldSize));
    env.put("LOCAL_RANK", "0");
    env.put("MASTER_ADDR", masterAddr);
    env.put("MASTER_PORT", Integer.toString(masterPort));
    env.put(
        visibleChipsVariable,
        chips.stream().sorted().map(String::valueOf).collect(Collectors.joining(",")));
    return env;
  }

  /** Replaces {@code $(NAME)} with the variable's value; unknown names are left as they are. */
  public static List<String> expand(List<String> command, Map<String, String> env) {
    return command.stream()
        .map(
            arg -> {
              Matcher m = VARIABLE.matcher(arg);
              StringBuilder out = new StringBuilder();
              while (m.find()) {
                String value = env.get(m.group(1));
                m.appendReplacement(
                    out, Matcher.quoteReplacement(value == null ? m.group() : value));
              }
              m.appendTail(out);
              return out.toString();
            })
        .toList();
  }
}
