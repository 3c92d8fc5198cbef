package org.patgate.server.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tags a test class (and its subclasses) {@code ldap}: its tests start an in-memory LDAP directory
 * (UnboundID). Run only them with
 * {@code -Dgroups=ldap}, all but them with {@code -Dgroups='!ldap'}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("ldap")
public @interface LdapTest {}
