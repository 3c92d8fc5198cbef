package org.patgate.server.store;

import java.util.Locale;

/**
 * What usage is counted by. {@link #TOKEN}, {@link #IP} and {@link #PATH} are stored; {@link #USER} is
 * summed from the token rows of the tokens a user owns.
 */
public enum UsageDimension {
    TOKEN,
    USER,
    IP,
    PATH;

    /** The name in the {@code dimension} column and in the API ({@code token}, {@code user}, ...). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stored dimension this one is read from. */
    String stored() {
        return this == USER ? TOKEN.wireName() : wireName();
    }
}
