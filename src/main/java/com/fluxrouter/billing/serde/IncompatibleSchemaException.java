package com.fluxrouter.billing.serde;

/** The registry refused a schema that breaks the subject's compatibility level (HTTP 409). */
public final class IncompatibleSchemaException extends RegistryException {
    public IncompatibleSchemaException(String subject, String registryMessage) {
        super("the registry refuses the schema under " + subject + " as incompatible with its earlier versions: "
                + registryMessage);
    }
}
