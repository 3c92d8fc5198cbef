package org.patgate.server.directory.ldap;

import org.patgate.core.PatgateException;

/**
 * The LDAP directory could not answer: no server reachable, TLS refused, timeout, the service
 * account's bind refused or a search base missing. Logins fail with this message; it names the
 * servers and the LDAP result, never a password.
 */
public class DirectoryUnavailableException extends PatgateException {

    public DirectoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
