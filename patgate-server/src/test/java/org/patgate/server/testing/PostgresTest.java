package org.patgate.server.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tags a test class (and its subclasses) {@code postgres}: its tests start an embedded PostgreSQL.
 * Run only them with {@code -Dgroups=postgres}, all but them with {@code -Dgroups='!postgres'}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("postgres")
public @interface PostgresTest {}
