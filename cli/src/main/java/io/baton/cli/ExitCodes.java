package io.baton.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every exit code of {@code baton}, as {@code --help} and docs/cli.md list them. */
public final class ExitCodes {

  public static final int OK = 0;
  public static final int ERROR = 1;
  public static final int USAGE = 2;
  public static final int API_ERROR = 3;
  public static final int NOT_FOUND = 4;
  public static final int UNAUTHORIZED = 5;
  public static final int UNREACHABLE = 6;
  public static final int TIMEOUT = 7;
  public static final int JOB_FAILED = 10;
  public static final int JOB_CANCELLED = 11;
  public static final int REJECTED_VERIFYING = 20;
  public static final int REJECTED_CONVERTING = 21;
  public static final int REJECTED_EVALUATING = 22;
  public static final int REJECTED_PARITY = 23;
  public static final int REJECTED_APPROVAL = 24;
  public static final int REJECTED_ROLLING_OUT = 25;
  public static final int ROLLED_BACK = 26;
  public static final int REJECTED_OTHER = 29;

  private ExitCodes() {}

  /** Code → meaning, for the help text. */
  public static Map<String, String> described() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(" 0", "success; a watched job SUCCEEDED; a promotion went ACTIVE");
    codes.put(" 1", "an error not listed below (unreadable file, bad config)");
    codes.put(" 2", "wrong usage (unknown command or option)");
    codes.put(" 3", "the API refused the request (a problem document, printed on stderr)");
    codes.put(" 4", "not found (404)");
    codes.put(" 5", "not logged in, or the token is refused (401) or not allowed (403)");
    codes.put(" 6", "the server cannot be reached, or answers 5xx after retries");
    codes.put(" 7", "--timeout passed before the job or promotion ended");
    codes.put("10", "the job FAILED");
    codes.put("11", "the job was CANCELLED");
    codes.put("20", "the promotion was REJECTED at VERIFYING (hash, size)");
    codes.put("21", "... at CONVERTING");
    codes.put("22", "... at EVALUATING (metric thresholds)");
    codes.put("23", "... at PARITY (golden outputs)");
    codes.put("24", "... at AWAITING_APPROVAL (a person rejected it)");
    codes.put("25", "... at ROLLING_OUT");
    codes.put("26", "the promotion's rollout failed: ROLLED_BACK, the endpoint keeps its revision");
    codes.put("29", "the promotion was REJECTED, no failed gate recorded");
    return codes;
  }

  /** The code of a job that ended in {@code state}. */
  public static int ofJob(String state) {
    return switch (state) {
      case "SUCCEEDED" -> OK;
      case "CANCELLED" -> JOB_CANCELLED;
      default -> JOB_FAILED;
    };
  }

  /**
   * The code of a promotion that ended in {@code state}, {@code failedGate} the name of the gate
   * whose verdict is FAILED (null when none).
   */
  public static int ofPromotion(String state, String failedGate) {
    if ("ACTIVE".equals(state)) {
      return OK;
    }
    if ("ROLLED_BACK".equals(state)) {
      return ROLLED_BACK;
    }
    if (failedGate == null) {
      return REJECTED_OTHER;
    }
    return switch (failedGate) {
      case "VERIFYING" -> REJECTED_VERIFYING;
      case "CONVERTING" -> REJECTED_CONVERTING;
      case "EVALUATING" -> REJECTED_EVALUATING;
      case "PARITY" -> REJECTED_PARITY;
      case "AWAITING_APPROVAL" -> REJECTED_APPROVAL;
      case "ROLLING_OUT" -> REJECTED_ROLLING_OUT;
      default -> REJECTED_OTHER;
    };
  }
}
