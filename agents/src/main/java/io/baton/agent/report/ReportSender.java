package io.baton.agent.report;

/** Sends one serialized report, once. */
@FunctionalInterface
public interface ReportSender {

  Delivery send(byte[] report);
}
