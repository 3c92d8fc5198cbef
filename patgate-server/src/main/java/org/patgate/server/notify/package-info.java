/**
 * Notices about tokens to the people who hold or approve them: reminders before a token expires, the
 * expiry itself, tokens created on someone's behalf, revoked by an administrator, waiting for or
 * decided in approval, unused for long (and then revoked), and used from a new address. Each notice
 * goes to the owner's e-mail address and to the mail address and signed webhook each of the owner's
 * groups names, through an outbox in the database that a background worker drains with retries.
 * {@link org.patgate.server.notify.Notifications} is the entry point.
 */
package org.patgate.server.notify;
