/**
 * The audit trail as the services use it: {@link AuditLog} records every management action and
 * failed login (who, what, target, from where, outcome), {@link SecretRedactor} blanks anything
 * shaped like a token, and {@link AuditExport} with {@link Csv} gives the API and the UI the same
 * filters and spreadsheet-safe CSV. Must not record a secret (token, password, pepper) or speak
 * HTTP.
 *
 * <p>Floor: services ({@code audit}, {@code directory}, {@code permission}, {@code policy},
 * {@code token}, {@code activity} and {@code settings}): it may use the foundation and other
 * service packages without a cycle, never an edge or launch package and never Jetty's server or
 * HTTP classes; the edge and launch floors use it. The lowest service package: it uses no other
 * service, and the services that change things record through it.
 */
package org.patgate.server.audit;
