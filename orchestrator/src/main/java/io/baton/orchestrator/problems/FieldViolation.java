package io.baton.orchestrator.problems;

/**
 * One offending field of a request.
 *
 * @param field dotted path of the field ({@code checkpoint.everySteps}, {@code env.BATON_RANK})
 * @param message what is wrong with it, readable on its own
 */
public record FieldViolation(String field, String message) {}
