/**
 * Token policies by group: the stored rules of one group ({@link Policy}), their most restrictive
 * combination for one user ({@link Policies}, {@link EffectivePolicy}), the check of a token
 * request against it ({@link PolicyCheck}) and the admins' changes ({@link PolicyService}). Must
 * not speak HTTP; every refusal names the limit and the group that set it.
 *
 * <p>Floor: services ({@code audit}, {@code directory}, {@code permission}, {@code policy},
 * {@code token}, {@code activity} and {@code settings}): it may use the foundation and other
 * service packages without a cycle, never an edge or launch package and never Jetty's server or
 * HTTP classes; the edge and launch floors use it.
 */
package org.patgate.server.policy;
