/** Rate-limit internals: the token buckets of one limit. */
package org.patgate.server.ratelimit.internal;
