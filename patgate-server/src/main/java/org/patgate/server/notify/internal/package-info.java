/** The mail and webhook senders, the texts of the notices and the reminder arithmetic: not used outside notify. */
package org.patgate.server.notify.internal;
