/**
 * The fault suite ({@code bin/flux-billing chaos}): each {@link com.fluxrouter.billing.chaos.Scenario} runs the
 * pipeline as child JVMs against a real local broker ({@link com.fluxrouter.billing.local.LocalBroker}), produces
 * seeded traffic (valid requests from {@link com.fluxrouter.billing.traffic.RequestFactory}, one invalid record
 * of every kind per hundred, resent copies) while it injects faults (SIGKILL, broker restart, late data, a second
 * instance joining and leaving, deleted state), then reads every output with {@code read_committed} and checks the
 * invariant against an oracle computed from the distinct valid requests alone ({@link
 * com.fluxrouter.billing.chaos.Expectation}).
 *
 * <p>Consumes nothing but its own flags; produces a verdict per scenario ({@link com.fluxrouter.billing.chaos.Row})
 * and, with {@code --report}, the table of {@code docs/reliability.md}. Guarantees: a row says HOLDS only if every
 * distinct valid request was priced exactly once at its expected cost and month, every invalid record was rejected
 * exactly once with its expected reason, no request is both priced and rejected, and every account-month's invoice
 * lines (original plus supplemental sets) equal the billing rules' figures to the nano-dollar.
 */
package com.fluxrouter.billing.chaos;
