package com.fluxrouter.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;

import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;
import java.util.List;

/**
 * The bean that Apicurio's config-index Quarkus extension would generate at build time (its deployment module is not
 * on Maven Central). An empty list: this registry exposes no settings that can be changed at run time.
 */
public class DynamicConfigProperties {
    @Produces
    @ApplicationScoped
    DynamicConfigPropertyList dynamicConfigProperties() {
        return new DynamicConfigPropertyList(List.of());
    }
}
