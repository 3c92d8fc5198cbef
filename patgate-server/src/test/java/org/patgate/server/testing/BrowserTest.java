package org.patgate.server.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tags a test class (and its subclasses) {@code browser}: its tests drive a real headless Chromium
 * (Selenium) and skip when it is not installed. Run only them with
 * {@code -Dgroups=browser}, all but them with {@code -Dgroups='!browser'}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("browser")
public @interface BrowserTest {}
