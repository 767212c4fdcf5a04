package io.baton.schemas;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The JSON Schemas of Baton's public payloads, loaded from this jar, and validation against them.
 *
 * <p>Schemas reference each other by their {@code $id} under {@value #ID_PREFIX}; those ids are
 * resolved from the classpath, never fetched.
 *
 * <p>A floating-point literal that is a whole number too large for a {@code long} ({@code -1e308},
 * {@code 1E400}) is validated as the integer it is: the validator cannot compare such a literal
 * with an integer bound, and would fail instead of reporting the field.
 */
public final class BatonSchemas {

  /** Prefix of every schema's {@code $id}. */
  public static final String ID_PREFIX = "https://baton.io/schemas/";

  /** The training-job spec a team submits. */
  public static final String JOB_SPEC = "job-spec";

  /** The training-job resource the API returns. */
  public static final String JOB = "job";

  /** What {@code POST /api/v1/promotions} takes. */
  public static final String PROMOTION_REQUEST = "promotion-request";

  /** What {@code POST /api/v1/endpoints/{name}/rollback} takes. */
  public static final String ROLLBACK_REQUEST = "rollback-request";

  /** What {@code POST /api/v1/tokens} takes. */
  public static final String TOKEN_REQUEST = "token-request";

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder.schemaIdResolvers(
                  resolvers -> resolvers.mapPrefix(ID_PREFIX, "classpath:baton/schemas/")));

  private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

  private BatonSchemas() {}

  /**
   * Validates a document against the named schema (file name without {@code .schema.json}).
   *
   * @return the violations, empty when the document is valid
   */
  public static List<Violation> validate(String schemaName, JsonNode document) {
    return schema(schemaName).validate(Numbers.integral(document)).stream()
        .map(e -> new Violation(Violation.field(e), e.getKeyword(), e.getMessage()))
        .toList();
  }

  static Schema schema(String schemaName) {
    return CACHE.computeIfAbsent(
        schemaName,
        name -> REGISTRY.getSchema(SchemaLocation.of(ID_PREFIX + name + ".schema.json")));
  }
}
