package com.fluxrouter.billing.chaos;

import java.util.Locale;

/** The faults the suite injects, one scenario each; the names are what {@code --scenario} takes. */
public enum Scenario {
    /** The pipeline process is SIGKILLed at random moments and restarted each time. */
    CRASH("process crash"),
    /** The broker is stopped and started again on the same log directory and port while traffic flows. */
    BROKER_RESTART("broker restart"),
    /** The producer resends 10 % of its requests, some soon, some at the end of the run. */
    PRODUCER_RETRIES("producer retries"),
    /** Requests arrive days late (some after their month closed) and out of order. */
    LATE_DATA("late and out-of-order data"),
    /** A second instance joins and leaves (cleanly, then by SIGKILL) mid-stream. */
    REBALANCE("rebalance under load"),
    /** An instance's local state directory is deleted before it restarts. */
    STATE_LOSS("state loss"),
    /**
     * A third of the requests are produced with a partitioner that is not Kafka's default (CRC32 of the key, as
     * librdkafka's {@code consistent_random}), their resent copies (10 %) through the default (rule 4a).
     */
    MISROUTED_PRODUCER("misrouted producer");

    private final String title;

    Scenario(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    /** The command-line name, e.g. {@code broker-restart}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Scenario parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
