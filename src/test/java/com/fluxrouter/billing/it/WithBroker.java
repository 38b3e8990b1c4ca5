package com.fluxrouter.billing.it;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An integration test class on a real in-process KRaft broker, owned by {@link BrokerExtension}: started before the
 * class (or before each test, {@link Lifecycle#PER_TEST}), closed after it, whatever the tests did. The test gets an
 * {@link EmbeddedKafka} (bootstrap servers, a shared admin, a topic factory, producers, the one committed-records
 * reader) and, with {@link #registry()}, a {@link SchemaRegistryServer} (its URL), as a parameter of a test,
 * lifecycle or constructor method, or in a non-final field of that type (static fields for {@code PER_CLASS}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(BrokerExtension.class)
public @interface WithBroker {
    /** The pipeline's topics ({@code TopicSetup}, as {@code topics} makes them) with this many partitions; 0: none. */
    int partitions() default 0;

    /**
     * With {@link #partitions()}: the application id whose own catalog topics are created too; empty for the
     * default id.
     */
    String applicationId() default "";

    /** The broker's client listener. */
    Security security() default Security.PLAINTEXT;

    /** Also a schema registry server (Apicurio, built from registry/), started and stopped with the broker. */
    boolean registry() default false;

    /** One broker for the whole class, or a fresh one for each test. */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    enum Security {
        PLAINTEXT,
        /**
         * SASL_PLAINTEXT with PLAIN (the kit's super user, for the test's own clients) and SCRAM-SHA-256 (users made
         * with {@code alterUserScramCredentials}), ACLs enforced.
         */
        SASL_SCRAM
    }

    enum Lifecycle {
        PER_CLASS,
        /** For tests that must each see empty topics (the pipeline's topic names are fixed). */
        PER_TEST
    }
}
