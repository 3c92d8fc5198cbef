/** The locks that keep a scheduled job's runs apart: not used outside cluster. */
package org.patgate.server.cluster.internal;
