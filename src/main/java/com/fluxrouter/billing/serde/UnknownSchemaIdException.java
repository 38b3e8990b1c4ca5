package com.fluxrouter.billing.serde;

/** A record names a schema id that the registry does not know: the record cannot be decoded. */
public final class UnknownSchemaIdException extends RegistryException {
    public UnknownSchemaIdException(int id, String registry) {
        super("schema id " + id + " is not known to the registry at " + registry);
    }
}
