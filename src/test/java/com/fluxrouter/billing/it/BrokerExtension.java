package com.fluxrouter.billing.it;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Owns the broker (and the schema registry) of every {@link WithBroker} test class: starts them before the class or
 * each test, hands them to the test by parameter or field, and closes them when that scope ends (JUnit closes what
 * this stores), also when a test or a set-up failed. One broker per class, not per run: the pipeline's topic names
 * are fixed, and the tests prove absence by reading a whole output topic, so classes sharing a broker would see each
 * other's records.
 */
public final class BrokerExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BrokerExtension.class);
    private static final String RESOURCES = "resources";

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        WithBroker settings = settings(context);
        if (settings.lifecycle() == WithBroker.Lifecycle.PER_CLASS && resources(context) == null) {
            context.getStore(NAMESPACE).put(RESOURCES, Resources.start(settings, context.getDisplayName()));
        }
        injectFields(context.getRequiredTestClass(), null, resources(context), true);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        WithBroker settings = settings(context);
        if (settings.lifecycle() == WithBroker.Lifecycle.PER_TEST) {
            context.getStore(NAMESPACE).put(RESOURCES, Resources.start(settings, context.getDisplayName()));
        }
        Resources resources = resources(context);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectFields(instance.getClass(), instance, resources, false);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == EmbeddedKafka.class || type == SchemaRegistryServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Resources resources = resources(context);
        if (resources == null) {
            throw new ParameterResolutionException("no broker yet for " + parameter.getDeclaringExecutable()
                    + " (a PER_TEST broker starts before each test, after @BeforeAll)");
        }
        Object value = resources.of(parameter.getParameter().getType());
        if (value == null) {
            throw new ParameterResolutionException(parameter.getDeclaringExecutable()
                    + " asks for the schema registry: @WithBroker(registry = true)");
        }
        return value;
    }

    /** The annotation of the test class, or of the class it is nested in. */
    private static WithBroker settings(ExtensionContext context) {
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            Optional<WithBroker> settings = AnnotationSupport.findAnnotation(c, WithBroker.class);
            if (settings.isPresent()) {
                return settings.get();
            }
        }
        throw new ExtensionConfigurationException("BrokerExtension is configured by @WithBroker on "
                + context.getRequiredTestClass());
    }

    /** This scope's resources or the nearest enclosing scope's (a store looks up its parents). */
    private static Resources resources(ExtensionContext context) {
        return context.getStore(NAMESPACE).get(RESOURCES, Resources.class);
    }

    private static void injectFields(Class<?> type, Object instance, Resources resources, boolean statics)
            throws IllegalAccessException {
        if (resources == null) {
            return;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                Object value = resources.of(field.getType());
                if (value == null || Modifier.isStatic(field.getModifiers()) != statics) {
                    continue;
                }
                if (Modifier.isFinal(field.getModifiers())) {
                    throw new ExtensionConfigurationException(field + " is final: the broker cannot be injected");
                }
                field.setAccessible(true);
                field.set(instance, value);
            }
        }
    }

    /** What one scope owns; closed by JUnit when the scope ends: registry first, then broker, then the work dir. */
    private record Resources(EmbeddedKafka kafka, SchemaRegistryServer registry, Path workDir) implements AutoCloseable {
        static Resources start(WithBroker settings, String owner) throws Exception {
            Path workDir = settings.registry() ? Files.createTempDirectory("flux-it-registry") : null;
            SchemaRegistryServer registry = settings.registry() ? SchemaRegistryServer.start(workDir) : null;
            EmbeddedKafka kafka;
            try {
                long started = System.nanoTime();
                kafka = settings.security() == WithBroker.Security.SASL_SCRAM
                        ? EmbeddedKafka.startWithScram() : EmbeddedKafka.start();
                if (settings.partitions() > 0) {
                    kafka.createPipelineTopics(settings.partitions(), settings.applicationId());
                }
                System.out.printf("[broker] %s: started with its topics in %d ms%n", owner,
                        (System.nanoTime() - started) / 1_000_000);
            } catch (Exception | Error e) {
                if (registry != null) {
                    registry.close();
                }
                throw e;
            }
            return new Resources(kafka, registry, workDir);
        }

        Object of(Class<?> type) {
            if (type == EmbeddedKafka.class) {
                return kafka;
            }
            return type == SchemaRegistryServer.class ? registry : null;
        }

        @Override
        public void close() throws Exception {
            try (AutoCloseable deleteWorkDir = this::deleteWorkDir; AutoCloseable broker = kafka;
                 AutoCloseable registryServer = registry) {
                // all three closed in reverse order, whichever fails
            }
        }

        private void deleteWorkDir() throws IOException {
            if (workDir == null) {
                return;
            }
            try (Stream<Path> paths = Files.walk(workDir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
