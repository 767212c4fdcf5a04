package io.baton.orchestrator.web;

import java.util.List;

/**
 * The one shape of every list in the API.
 *
 * @param items this page's items
 * @param nextCursor pass as {@code cursor} to get the next page; null on the last page
 */
public record Page<T>(List<T> items, String nextCursor) {

  public static <T> Page<T> last(List<T> items) {
    return new Page<>(items, null);
  }
}
