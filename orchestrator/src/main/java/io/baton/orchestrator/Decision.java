package io.baton.orchestrator;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a pure decision: records in, records out, time passed in. Such a type imports nothing of
 * Spring, Fabric8 or JDBC; a test in the build checks it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Decision {}
