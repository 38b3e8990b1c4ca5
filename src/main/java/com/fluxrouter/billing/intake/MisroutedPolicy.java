package com.fluxrouter.billing.intake;

/**
 * What intake does with a request that arrived on a partition other than its account's (docs/billing-rules.md,
 * rule 4a); chosen by {@code flux.intake.misrouted}.
 */
public enum MisroutedPolicy {
    /** Send it to its account's partition through the {@value IntakeFlow#MISROUTED} repartition topic and bill it there. */
    ROUTE("route"),
    /** Reject it {@code WRONG_PARTITION}, with a detail naming the partitioner setting that fixes the producer. */
    REJECT("reject");

    private final String configName;

    MisroutedPolicy(String configName) {
        this.configName = configName;
    }

    /** The value as written in the setting: {@code route} or {@code reject}. */
    public String configName() {
        return configName;
    }

    /**
     * @param name the setting's value
     * @return the policy it names
     * @throws IllegalArgumentException if it names none
     */
    public static MisroutedPolicy parse(String name) {
        for (MisroutedPolicy policy : values()) {
            if (policy.configName.equals(name)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("flux.intake.misrouted must be route or reject: " + name);
    }
}
