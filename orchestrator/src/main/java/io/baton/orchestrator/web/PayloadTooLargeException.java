package io.baton.orchestrator.web;

import java.io.IOException;

/** A request body grew past the limit while it was being read. */
final class PayloadTooLargeException extends IOException {

  PayloadTooLargeException(long limit) {
    super("request body exceeds " + limit + " bytes");
  }
}
