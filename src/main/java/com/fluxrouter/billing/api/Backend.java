package com.fluxrouter.billing.api;

import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;

import java.time.ZoneId;

/** What the HTTP API needs from the running pipeline. */
public interface Backend {
    /** Where an account's state lives. */
    sealed interface Owner permits Here, Elsewhere {
    }

    /** This instance owns the account's partition. */
    record Here() implements Owner {
    }

    /** Another instance does, at {@code host:port} ({@code application.server}). */
    record Elsewhere(String hostAndPort) implements Owner {
    }

    /** Thrown while the pipeline is starting or rebalancing: ask again shortly. */
    final class NotReady extends Exception {
        public NotReady(String message) {
            super(message);
        }
    }

    boolean alive();

    boolean ready();

    Owner ownerOf(String account) throws NotReady;

    /** The account-month's ledger on this instance, or null when the account has no such month. */
    MonthLedger ledger(String account, String month) throws NotReady;

    /** The account's billing zone now (UTC without a plan). */
    ZoneId zoneOf(String account) throws NotReady;

    /**
     * Where the account's spend status can be read, best first ({@link StatusRoute}: the rule of
     * {@code flux.http.status-max-lag}).
     *
     * @throws NotReady while this instance knows no host of the account yet (starting, before its first assignment)
     */
    StatusRoute statusRoute(String account) throws NotReady;

    /**
     * The account's latest {@link SpendStatus} (rule 12) from this instance's copy of its partition of the
     * {@code spend-status} store, active, restoring or standby; null when the account has none.
     *
     * @param partition the account's partition ({@link StatusRoute#partition()})
     * @throws NotReady when this instance holds no queryable copy of the partition (it moved since the route)
     */
    SpendStatus status(String account, int partition) throws NotReady;

    /** Prometheus text exposition of the pipeline's metrics. */
    String metrics();
}
