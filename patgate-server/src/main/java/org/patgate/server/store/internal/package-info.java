/** JDBC helpers for the store package; not for use elsewhere. */
package org.patgate.server.store.internal;
