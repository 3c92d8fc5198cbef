/** Rate-limit internals: the clock Bucket4j reads. */
package org.patgate.server.ratelimit.internal;
