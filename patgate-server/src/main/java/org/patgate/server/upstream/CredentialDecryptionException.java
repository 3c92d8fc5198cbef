package org.patgate.server.upstream;

import org.patgate.core.PatgateException;

/**
 * A stored native credential cannot be decrypted: its key is not in the key file, or it does not
 * authenticate (changed in the database, or copied from another user's link). The message names the
 * user and the reason, never key material or plaintext.
 */
public class CredentialDecryptionException extends PatgateException {

    public CredentialDecryptionException(String message) {
        super(message);
    }
}
