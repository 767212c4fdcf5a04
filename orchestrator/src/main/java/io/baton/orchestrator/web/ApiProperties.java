package io.baton.orchestrator.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code baton.api}: limits of the REST API.
 *
 * @param maxBodySize larger request bodies are refused with 413
 */
@ConfigurationProperties("baton.api")
record ApiProperties(@DefaultValue("1MB") DataSize maxBodySize) {}
