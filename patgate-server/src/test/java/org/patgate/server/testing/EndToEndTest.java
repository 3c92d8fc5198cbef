package org.patgate.server.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tags a test class (and its subclasses) {@code e2e}: its tests start a full PATgate node and speak to
 * it over loopback sockets. Run only them with
 * {@code -Dgroups=e2e}, all but them with {@code -Dgroups='!e2e'}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("e2e")
public @interface EndToEndTest {}
