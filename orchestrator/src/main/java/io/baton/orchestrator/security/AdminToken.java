package io.baton.orchestrator.security;

import io.baton.orchestrator.persistence.DataDirProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The admin API's bearer token: {@code baton.security.admin-token}, or else one generated once and
 * kept in {@code <data-dir>/admin-token} (mode 600) for the operator of a single machine.
 */
@Component
public class AdminToken {

  private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

  private final byte[] hash;

  AdminToken(SecurityProperties security, DataDirProperties dataDir) {
    String token = security.adminToken();
    if (token == null || token.isBlank()) {
      token = fromFile(dataDir.dataDir().resolve("admin-token"));
    }
    this.hash = BearerTokens.sha256(token);
  }

  /** Whether {@code token} is the admin token (compared in constant time). */
  public boolean matches(String token) {
    return MessageDigest.isEqual(hash, BearerTokens.sha256(token));
  }

  /**
   * Checks an {@code Authorization} header.
   *
   * @throws UnauthorizedException when it does not carry the admin token
   */
  public void check(String authorization) {
    if (!MessageDigest.isEqual(hash, BearerTokens.sha256(BearerTokens.fromHeader(authorization)))) {
      throw new UnauthorizedException("The admin API needs the admin token.");
    }
  }

  private static String fromFile(Path file) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.createDirectories(file.getParent());
      String token = BearerTokens.generate("bat_");
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // best effort on file systems without POSIX permissions
      }
      log.info("Generated the admin API token in {}", file.toAbsolutePath());
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the admin token " + file, e);
    }
  }
}
