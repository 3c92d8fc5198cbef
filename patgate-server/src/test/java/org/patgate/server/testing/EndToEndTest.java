package org.patgate.server.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tags a test class (and its subclasses) {@code e2e}: its tests start a full PATgate node and speak to
 * it over loopback sockets. Select them or leave them
 * out with {@code -Dgroups=e2e} or {@code -DexcludedGroups=e2e}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("e2e")
public @interface EndToEndTest {
}
