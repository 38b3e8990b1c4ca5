package com.fluxrouter.billing.api;

import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where {@code GET /accounts/{account}/status} reads an account's spend status from, best first: the copies of the
 * account's partition of the {@code spend-status} store, on this instance ({@link Here}) or another ({@link There}).
 *
 * <p>The rule, so that a rebalance never fails the fleet's check while no answer is more than
 * {@code flux.http.status-max-lag} changelog offsets stale:
 * <ul>
 *   <li>the active copy of a RUNNING instance is current: when it is here, only here;</li>
 *   <li>otherwise the active owner elsewhere, then the standby hosts elsewhere (each answers from its own copy
 *       within the lag, else 503 and the next is asked);</li>
 *   <li>this instance's own copy (standby, or an active one still restoring) when it is within the lag: first while
 *       this instance is rebalancing (the owner is likely moving), last when it is running (the owner did not
 *       answer).</li>
 * </ul>
 *
 * @param partition the account's partition (of the store's changelog and of flux.requests.routed)
 * @param sources   where to ask, in order; empty when no copy can answer
 */
public record StatusRoute(int partition, List<Source> sources) {
    public StatusRoute {
        sources = List.copyOf(sources);
    }

    /** A copy of the account's partition that may answer. */
    public sealed interface Source permits Here, There {
    }

    /** This instance's copy. */
    public record Here() implements Source {
    }

    /** Another instance's, at {@code host:port} ({@code application.server}). */
    public record There(String hostAndPort) implements Source {
    }

    /**
     * @param metadata the key's hosts ({@code KafkaStreams#queryMetadataForKey} on the {@code spend-status} store)
     * @param self     this instance's {@code application.server}
     * @param running  whether this instance is RUNNING (not rebalancing)
     * @param localLag changelog offsets this instance's copy of the partition is behind; empty when it has none
     * @param maxLag   {@code flux.http.status-max-lag}: the most offsets a standby or restoring copy may be behind
     */
    public static StatusRoute of(KeyQueryMetadata metadata, HostInfo self, boolean running, OptionalLong localLag,
                                 long maxLag) {
        HostInfo active = metadata.activeHost();
        if (active.equals(self) && running) {
            return new StatusRoute(metadata.partition(), List.of(new Here()));
        }
        boolean hereWithinLag = localLag.isPresent() && localLag.getAsLong() <= maxLag;
        List<Source> sources = new ArrayList<>();
        if (hereWithinLag && !running) {
            sources.add(new Here());
        }
        if (!active.equals(self) && !active.equals(HostInfo.unavailable())) {
            sources.add(new There(active.host() + ":" + active.port()));
        }
        metadata.standbyHosts().stream().filter(host -> !host.equals(self))
                .map(host -> new There(host.host() + ":" + host.port()))
                .forEach(sources::add);
        if (hereWithinLag && running) {
            sources.add(new Here());
        }
        return new StatusRoute(metadata.partition(), sources);
    }
}
